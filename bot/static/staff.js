// Staff console: calls the JSON API with the session cookie; text is always set with
// textContent (customer text may contain markup).
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);

  function flash(text, bad) {
    const el = $("flash");
    if (!el) return;
    el.textContent = text;
    el.className = "flash" + (bad ? " bad" : " ok");
  }

  async function api(method, path, body) {
    const response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    if (!response.ok) {
      let msg = typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail || data);
      if (data.allowed) msg += " (allowed: " + (data.allowed.join(", ") || "none") + ")";
      throw new Error(msg);
    }
    return data;
  }

  // Queue auto-refresh.
  const queue = document.querySelector("[data-autorefresh]");
  if (queue) {
    setTimeout(() => window.location.reload(), 1000 * Number(queue.dataset.autorefresh));
    for (const row of document.querySelectorAll("tr[data-reference]")) {
      row.addEventListener("click", (ev) => {
        if (ev.target.tagName !== "A") window.location = "/staff/cases/" + row.dataset.reference;
      });
    }
  }

  const root = $("case");
  if (!root) return;
  const ref = root.dataset.reference;
  const base = "/api/cases/" + encodeURIComponent(ref);

  for (const btn of document.querySelectorAll("button[data-action]")) {
    btn.addEventListener("click", async () => {
      btn.disabled = true;
      try {
        await api("POST", base + "/" + btn.dataset.action);
        flash(btn.textContent.trim() + ": done");
        setTimeout(() => window.location.reload(), 400);
      } catch (e) { flash(e.message, true); btn.disabled = false; }
    });
  }

  const stageForm = $("stage-form");
  if (stageForm) stageForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await api("POST", base + "/stage", {
        stage: $("stage-select").value, note: $("stage-note").value, notify: $("stage-notify").checked,
      });
      flash("Stage changed");
      setTimeout(() => window.location.reload(), 400);
    } catch (e) { flash(e.message, true); }
  });

  const noteForm = $("note-form");
  if (noteForm) noteForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await api("POST", base + "/notes", { text: $("note-text").value, for_customer: $("note-customer").checked });
      flash("Note added");
      setTimeout(() => window.location.reload(), 400);
    } catch (e) { flash(e.message, true); }
  });

  const eraseForm = $("erase-form");
  if (eraseForm) eraseForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!window.confirm("Delete this customer's personal data? This cannot be undone.")) return;
    try {
      const done = await api("POST", base + "/customer-data/delete", { confirm: $("erase-confirm").value });
      flash("Deleted: " + JSON.stringify(done));
    } catch (e) { flash(e.message, true); }
  });

  // Live chat over a WebSocket; falls back to POST for sending when the socket is down.
  const log = $("chat-log");
  const state = $("chat-state");
  let socket = null;
  let lastId = 0;
  const seen = new Set();

  function show(m) {
    if (seen.has(m.id)) return;
    seen.add(m.id);
    lastId = Math.max(lastId, m.id);
    const div = document.createElement("div");
    div.className = "msg " + m.sender;
    const meta = document.createElement("div");
    meta.className = "meta";
    meta.textContent = m.sender + " · " + new Date(m.at).toLocaleTimeString();
    const body = document.createElement("div");
    body.textContent = m.text;
    div.append(meta, body);
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
  }

  function connect() {
    const proto = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(proto + location.host + base + "/chat?after=" + lastId);
    socket.onopen = () => { state.textContent = "live"; state.className = "ok small"; };
    socket.onmessage = (ev) => {
      const data = JSON.parse(ev.data);
      if (data.type === "message") show(data);
      else if (data.type === "error") flash(String(data.detail), true);
    };
    socket.onclose = () => {
      state.textContent = "reconnecting…"; state.className = "muted small";
      socket = null;
      setTimeout(connect, 2000);
    };
  }
  connect();

  const text = $("chat-text");
  async function send() {
    const value = text.value.trim();
    if (!value) return;
    text.value = "";
    try {
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "reply", text: value }));
      else await api("POST", base + "/reply", { text: value });
    } catch (e) { flash(e.message, true); text.value = value; }
  }
  $("chat-form").addEventListener("submit", (ev) => { ev.preventDefault(); send(); });
  text.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); send(); }
  });
})();
