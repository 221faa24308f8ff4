"""The case packet: one JSON document with everything an agent needs, and its Markdown.

The packet is what the staff API returns and what an agent downloads; its schema is
versioned (``claim-case-packet/1``) so consumers can refuse what they don't understand.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from claims.names import Names
from claims.policy import default_policy
from db.models import STAGE_NAMES
from db.repository import FACT_FIELDS, CaseNotFound

if TYPE_CHECKING:
    from db.uow import UnitOfWork

SCHEMA = "claim-case-packet/1"


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


def case_packet(uow: UnitOfWork, reference: str) -> dict[str, Any]:
    """Build the packet of one case (JSON-safe: strings, numbers, lists, dicts)."""
    repo = uow.cases
    case = repo.get(reference)
    summary = repo.summary(reference)
    if case is None or summary is None:
        raise CaseNotFound(reference)
    data = case.to_dict()
    customer = repo.get_customer(summary.customer_id) if summary.customer_id else None
    estimate = repo.latest_estimate(reference)
    files = {e.id: e for e in repo.evidence(reference)}
    return {
        "schema": SCHEMA,
        "reference": reference,
        "status": summary.status,
        "language": case.language,
        "priority": case.priority,
        "created_at": _iso(summary.created_at),
        "updated_at": _iso(summary.updated_at),
        "version": summary.version,
        "customer": {
            "id": summary.customer_id,
            **data["customer"],
            "preferred_language": customer.preferred_language if customer else None,
            "channels": list(customer.identities) if customer else [],
            "anonymised": customer.anonymised if customer else False,
        },
        "category": data["category"],
        "sub_type": case.sub_type,
        "description": case.description,
        "affected_systems": data["affected_systems"],
        "stage": {
            "current": case.stage.value,
            "entered": {s: _iso(summary.stage_times.get(s)) for s in STAGE_NAMES},
            "history": data["stage_history"],
        },
        "timeline": data["timeline"],
        "losses": data["losses"],
        "evidence": [
            {
                "kind": e.kind,
                "description": e.description,
                "sha256": e.sha256,
                "original_name": e.original_name,
                "stored_name": e.stored_name,
                "size": e.size,
                "mime": e.mime,
                "channel": e.channel,
                "uploaded_at": _iso(e.uploaded_at),
            }
            for e in files.values()
        ],
        "liability": data["liability"],
        "data_leak": data["data_leak"],
        "facts": {k: data[k] for k in ("currency", *FACT_FIELDS)},
        "estimate": None
        if estimate is None
        else {
            "policy_version": estimate.policy_version,
            "amount": None if estimate.amount is None else estimate.amount.to_dict(),
            "created_at": _iso(estimate.created_at),
            "details": estimate.payload,
        },
        "transcript": [
            {
                "sender": m.sender,
                "channel": m.channel,
                "text": m.text,
                "at": _iso(m.at),
                "redacted": m.redacted,
            }
            for m in repo.transcript(reference)
        ],
        "escalations": [
            {
                "reason": e.reason,
                "actor": e.actor,
                "at": _iso(e.at),
                "resolved_at": _iso(e.resolved_at),
            }
            for e in repo.escalations(reference)
        ],
        "assignments": [
            {"agent": a.agent, "actor": a.actor, "at": _iso(a.at), "ended_at": _iso(a.ended_at)}
            for a in repo.assignments(reference)
        ],
        "csat": [
            {"rating": c.rating, "comment": c.comment, "at": _iso(c.at)}
            for c in repo.csat(reference)
        ],
        "audit": [
            {"at": _iso(a.at), "actor": a.actor, "action": a.action, "details": a.details}
            for a in repo.audit_trail(reference)
        ],
    }


LABELS: dict[str, dict[str, str]] = {
    "title": {"zh": "理赔案件", "en": "Claim case"},
    "status": {"zh": "状态", "en": "Status"},
    "stage": {"zh": "阶段", "en": "Stage"},
    "category": {"zh": "事故类别", "en": "Category"},
    "sub_type": {"zh": "子类型", "en": "Sub-type"},
    "priority": {"zh": "优先级", "en": "Priority"},
    "customer": {"zh": "客户", "en": "Customer"},
    "name": {"zh": "姓名", "en": "Name"},
    "company": {"zh": "公司", "en": "Company"},
    "email": {"zh": "邮箱", "en": "Email"},
    "phone": {"zh": "电话", "en": "Phone"},
    "description": {"zh": "事故描述", "en": "Description"},
    "timeline": {"zh": "事故时间线", "en": "Timeline"},
    "losses": {"zh": "损失项目", "en": "Losses"},
    "evidence": {"zh": "证据", "en": "Evidence"},
    "estimate": {"zh": "赔偿估算", "en": "Estimate"},
    "policy": {"zh": "规则版本", "en": "policy version"},
    "history": {"zh": "阶段记录", "en": "Stage history"},
    "escalations": {"zh": "升级记录", "en": "Escalations"},
    "assignments": {"zh": "分派记录", "en": "Assignments"},
    "transcript": {"zh": "对话记录", "en": "Transcript"},
    "csat": {"zh": "满意度", "en": "Satisfaction"},
    "audit": {"zh": "审计日志", "en": "Audit log"},
    "none": {"zh": "无", "en": "none"},
    "resolved": {"zh": "已处理", "en": "resolved"},
    "open": {"zh": "未处理", "en": "open"},
    "proven": {"zh": "有凭证", "en": "documented"},
}


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(packet: dict[str, Any], lang: str = "en", names: Names | None = None) -> str:
    """Render a packet for people, with headings and names in ``lang`` (``zh`` or ``en``).

    Codes (stage, category, loss and evidence kinds, escalation reasons) are shown by their
    names from :mod:`claims.names` (the shipped policy's unless ``names`` is given).
    """
    if lang not in ("zh", "en"):
        raise ValueError("lang must be zh or en")
    names = names or Names(default_policy())

    def t(key: str) -> str:
        return LABELS[key][lang]

    none = f"_{t('none')}_"
    category = names.category(packet["category"], lang) if packet["category"] else "-"
    out: list[str] = [f"# {t('title')} {packet['reference']}", ""]
    out += [
        f"- **{t('status')}**: {packet['status']}",
        f"- **{t('stage')}**: {names.stage(packet['stage']['current'], lang)}",
        f"- **{t('category')}**: {category}",
        f"- **{t('sub_type')}**: {packet['sub_type'] or '-'}",
        f"- **{t('priority')}**: {packet['priority']}",
        "",
        f"## {t('customer')}",
        "",
    ]
    cust = packet["customer"]
    for key in ("name", "company", "email", "phone"):
        out.append(f"- **{t(key)}**: {cust.get(key) or '-'}")
    out += ["", f"## {t('description')}", "", packet["description"] or none, ""]

    out += [f"## {t('timeline')}", ""]
    out += [f"- {e['at']} — {e['kind']} ({e['source']}) {e['note']}".rstrip() for e in
            packet["timeline"]] or [none]  # fmt: skip
    out += ["", f"## {t('losses')}", ""]
    if packet["losses"]:
        out += ["| kind | amount | | |", "| --- | ---: | --- | --- |"]
        for x in packet["losses"]:
            amount = f"{x['amount']['amount']} {x['amount']['currency']}"
            proven = t("proven") if x["proven"] else ""
            kind = names.loss(x["kind"], lang)
            out.append(f"| {kind} | {amount} | {_cell(x['description'])} | {proven} |")
    else:
        out.append(none)
    out += ["", f"## {t('evidence')}", ""]
    if packet["evidence"]:
        for e in packet["evidence"]:
            file = f" `{e['sha256']}` {e['mime']} {e['size']} B" if e["sha256"] else ""
            kind = names.evidence(e["kind"], lang) if e["kind"] else "-"
            out.append(f"- {kind}: {_cell(e['description'])}{file}".rstrip())
    else:
        out.append(none)
    out += ["", f"## {t('estimate')}", ""]
    est = packet["estimate"]
    if est:
        amount = est["amount"]
        shown = f"{amount['amount']} {amount['currency']}" if amount else "-"
        out.append(f"{shown} ({t('policy')} {est['policy_version']}, {est['created_at']})")
    else:
        out.append(none)
    out += ["", f"## {t('history')}", ""]
    out += [f"- {c['at']} → {names.stage(c['stage'], lang)} {c['note']}".rstrip() for c in
            packet["stage"]["history"]] or [none]  # fmt: skip
    out += ["", f"## {t('escalations')}", ""]
    out += [
        f"- {e['at']} {names.reason(e['reason'], lang)} "
        f"({t('resolved') if e['resolved_at'] else t('open')})"
        for e in packet["escalations"]
    ] or [none]
    out += ["", f"## {t('assignments')}", ""]
    out += [f"- {a['at']} {a['agent']}" for a in packet["assignments"]] or [none]
    out += ["", f"## {t('transcript')}", ""]
    out += [f"- `{m['at']}` **{m['sender']}**: {_cell(m['text'])}" for m in
            packet["transcript"]] or [none]  # fmt: skip
    out += ["", f"## {t('csat')}", ""]
    out += [f"- {c['rating']}/5 {_cell(c['comment'])}".rstrip() for c in packet["csat"]] or [none]
    out += ["", f"## {t('audit')}", ""]
    out += [f"- {a['at']} {a['actor']} {a['action']}" for a in packet["audit"]] or [none]
    return "\n".join(out) + "\n"
