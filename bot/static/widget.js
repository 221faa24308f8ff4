/*
 * Incident claim assistant — embeddable chat widget. No build step, no dependencies.
 *
 *   <div id="claim-chat"></div>
 *   <script src="https://gateway.example/widget.js" data-target="#claim-chat" defer></script>
 *
 * Optional data attributes: data-target (CSS selector; default: a panel appended to
 * <body>), data-lang (zh|en; default: the browser's), data-server (gateway origin; default:
 * where this script came from). The gateway issues the session token (POST /chat/session);
 * it lives in localStorage, so a reload continues the same conversation, and goes only in
 * the X-Chat-Session header or the socket's first frame, never in a URL. When the gateway
 * refuses it (401 / close code 4401: unknown or expired) the widget gets a new one and
 * sends again. The history comes from the gateway's transcript.
 */
(function () {
  "use strict";
  const script = document.currentScript;
  const server = (script && script.dataset.server) || (script ? new URL(script.src, location.href).origin : location.origin);
  const SESSION_KEY = "claim-intake-token";
  const SESSION_HEADER = "X-Chat-Session";
  const SESSION_REFUSED = 4401;
  const LANG_KEY = "claim-intake-lang";

  const T = {
    zh: {
      title: "事故理赔助手", send: "发送", attach: "上传证据文件", message: "输入消息",
      placeholder: "描述发生了什么…", lang: "English", langLabel: "切换到英文",
      online: "已连接", offline: "连接中断，正在重连…", connecting: "正在连接…",
      drop: "松开即可上传证据文件", uploading: "正在上传", uploaded: "已上传",
      tooBig: (n, max) => `文件“${n}”太大（最大 ${max}）。`, badType: (n) => `不支持“${n}”这种文件类型。请发送图片、PDF、文本日志、CSV、JSON、邮件、Word 或 Excel 文件。`,
      tooLong: (max) => `消息太长了（最多 ${max} 个字符）。`, uploadFailed: "上传失败，请重试。",
      human: "人工客服已接入对话。", bot: "智能助手已回到对话。", agent: "客服",
      you: "您", assistant: "助手", card: "案件", category: "类别", stage: "阶段",
      estimate: "预计赔偿", duration: "预计用时", days: "天", priority: "优先级", sha: "SHA-256",
    },
    en: {
      title: "Incident claim assistant", send: "Send", attach: "Upload evidence file", message: "Type a message",
      placeholder: "Tell me what happened…", lang: "中文", langLabel: "Switch to Chinese",
      online: "Connected", offline: "Connection lost, reconnecting…", connecting: "Connecting…",
      drop: "Drop to upload evidence", uploading: "Uploading", uploaded: "Uploaded",
      tooBig: (n, max) => `"${n}" is too large (at most ${max}).`, badType: (n) => `"${n}" is not a supported file type. Send images, PDF, text logs, CSV, JSON, e-mail, Word or Excel files.`,
      tooLong: (max) => `That message is too long (at most ${max} characters).`, uploadFailed: "Upload failed, please try again.",
      human: "A support agent has joined the chat.", bot: "The assistant is back in the chat.", agent: "Agent",
      you: "You", assistant: "Assistant", card: "Case", category: "Category", stage: "Stage",
      estimate: "Estimated compensation", duration: "Expected time", days: "days", priority: "Priority", sha: "SHA-256",
    },
  };
  const EXTENSIONS = ["png", "jpg", "jpeg", "gif", "webp", "pdf", "txt", "log", "csv", "json", "eml", "docx", "xlsx"];

  let session = localStorage.getItem(SESSION_KEY);
  let issuing = null; // one request for a new session at a time (socket, upload, history)
  function newSession() {
    if (!issuing) {
      issuing = (async () => {
        const response = await fetch(server + "/chat/session", { method: "POST" });
        if (!response.ok) throw new Error("no session");
        session = (await response.json()).token;
        localStorage.setItem(SESSION_KEY, session);
        return session;
      })().finally(() => { issuing = null; });
    }
    return issuing;
  }
  async function ensureSession() { return session || newSession(); }
  function authed(extra) { return Object.assign({}, extra || {}, { [SESSION_HEADER]: session }); }
  let lang = localStorage.getItem(LANG_KEY) || (script && script.dataset.lang) || ((navigator.language || "zh").toLowerCase().startsWith("zh") ? "zh" : "en");
  if (!T[lang]) lang = "zh";
  let config = { max_message_chars: 2000, max_upload_bytes: 20 * 1024 * 1024, accept: "" };
  let socket = null, backoff = 500, outbox = [], reconnectTimer = null;

  const css = document.createElement("link");
  css.rel = "stylesheet"; css.href = server + "/widget.css";
  document.head.appendChild(css);

  let host = script && script.dataset.target ? document.querySelector(script.dataset.target) : null;
  if (!host) { host = document.createElement("div"); host.className = "cw-floating"; document.body.appendChild(host); }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v; else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v); else node.setAttribute(k, v);
    }
    for (const c of children) if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    return node;
  }

  const uid = "cw-" + Math.random().toString(36).slice(2, 8);
  const titleEl = el("h2", { class: "cw-title", id: uid + "-title" });
  const langBtn = el("button", { type: "button", class: "cw-lang", "data-testid": "lang-toggle" });
  const status = el("span", { class: "cw-status", role: "status", "aria-live": "polite" });
  const log = el("div", { class: "cw-log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0", "data-testid": "log" });
  const quick = el("div", { class: "cw-quick", role: "group" });
  const progress = el("progress", { max: "100", value: "0", "aria-label": "upload" });
  const progressText = el("span", { class: "cw-progress-text" });
  const progressBox = el("div", { class: "cw-progress", hidden: "" }, progress, progressText);
  const fileInput = el("input", { type: "file", id: uid + "-file", class: "cw-file", multiple: "", "data-testid": "file" });
  const attachLabel = el("label", { for: uid + "-file", class: "cw-attach", tabindex: "0", role: "button" }, el("span", { "aria-hidden": "true", class: "cw-clip" }), el("span", { class: "cw-sr" }));
  const textLabel = el("label", { for: uid + "-text", class: "cw-sr" });
  const input = el("textarea", { id: uid + "-text", rows: "1", class: "cw-input", autocomplete: "off", "data-testid": "input" });
  const sendBtn = el("button", { type: "submit", class: "cw-send", "data-testid": "send" });
  const form = el("form", { class: "cw-form" }, attachLabel, fileInput, textLabel, input, sendBtn);
  const dropHint = el("div", { class: "cw-drop", hidden: "" });
  const root = el("section", { class: "cw", "aria-labelledby": uid + "-title", lang },
    el("header", { class: "cw-head" }, titleEl, status, langBtn), log, quick, progressBox, form, dropHint);
  host.appendChild(root);
  attachLabel.querySelector(".cw-clip").innerHTML = '<svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><path d="M21 11.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l8.6-8.6a3.3 3.3 0 0 1 4.7 4.7l-8.6 8.6a1.7 1.7 0 0 1-2.4-2.4l7.9-7.9"/></svg>';

  function t(key) { return T[lang][key]; }
  function applyLanguage() {
    root.setAttribute("lang", lang === "zh" ? "zh-CN" : "en");
    titleEl.textContent = t("title");
    langBtn.textContent = t("lang"); langBtn.setAttribute("aria-label", t("langLabel"));
    attachLabel.title = t("attach"); attachLabel.querySelector(".cw-sr").textContent = t("attach");
    textLabel.textContent = t("message"); input.placeholder = t("placeholder");
    sendBtn.textContent = t("send"); dropHint.textContent = t("drop");
    setStatus(socket && socket.readyState === WebSocket.OPEN ? "online" : "connecting");
  }
  function setStatus(key) { status.textContent = t(key); status.dataset.state = key; }
  function scroll() { log.scrollTop = log.scrollHeight; }

  function addBubble(who, text, extra) {
    const label = { customer: t("you"), bot: t("assistant"), agent: (extra && extra.agent) || t("agent"), system: "", error: "" }[who] || "";
    const bubble = el("div", { class: "cw-msg cw-" + who, "data-sender": who },
      label ? el("span", { class: "cw-who", text: label + ": " }) : null, el("span", { class: "cw-text", text }));
    log.appendChild(bubble); scroll();
    return bubble;
  }
  function money(m) { return m && m.amount !== undefined ? `${m.amount} ${m.currency || ""}`.trim() : ""; }
  function addCaseCard(custom) {
    const est = custom.estimate || {};
    const comp = est.compensation || {};
    const dur = (est.durations && est.durations.expected) || {};
    const rows = [[t("card"), custom.reference], [t("category"), custom.category], [t("stage"), custom.stage]];
    if (comp.expected) rows.push([t("estimate"), `${money(comp.expected)} (${money(comp.low)} – ${money(comp.high)})`]);
    if (dur.low_days !== undefined) rows.push([t("duration"), `${dur.low_days}–${dur.high_days} ${t("days")}`]);
    if (est.escalation && est.escalation.priority !== undefined) rows.push([t("priority"), String(est.escalation.priority)]);
    const dl = el("dl");
    for (const [k, v] of rows) if (v) { dl.appendChild(el("dt", { text: k })); dl.appendChild(el("dd", { text: String(v) })); }
    log.appendChild(el("article", { class: "cw-card", "aria-label": `${t("card")} ${custom.reference || ""}`, "data-testid": "case-card", "data-reference": custom.reference || "" }, dl));
    scroll();
  }
  function showButtons(buttons) {
    quick.replaceChildren();
    for (const b of buttons || []) {
      quick.appendChild(el("button", { type: "button", class: "cw-qr", onclick: () => {
        quick.replaceChildren(); addBubble("customer", b.title);
        send({ type: "button", payload: b.payload, title: b.title, language: lang });
      } }, b.title));
    }
  }
  function renderBot(m) {
    if (m.text) addBubble("bot", m.text);
    if (m.image) log.appendChild(el("img", { src: m.image, alt: "", class: "cw-img" }));
    if (m.buttons && m.buttons.length) showButtons(m.buttons);
    const custom = m.custom;
    if (custom && custom.type === "case") addCaseCard(custom);
    if (custom && custom.type === "handoff") addBubble("system", t("human"));
  }
  function handle(frame) {
    switch (frame.type) {
      case "bot": renderBot(frame); break;
      case "agent": addBubble("agent", frame.text || "", frame); break;
      case "mode": if (frame.mode) addBubble("system", t(frame.mode === "human" ? "human" : "bot")); break;
      case "error": addBubble("error", frame.text || ""); break;
      default: break;
    }
  }

  async function connect() {
    clearTimeout(reconnectTimer);
    setStatus("connecting");
    try { await ensureSession(); } catch (e) { reconnectTimer = setTimeout(connect, backoff); backoff = Math.min(backoff * 2, 15000); return; }
    socket = new WebSocket(server.replace(/^http/, "ws") + "/ws");
    socket.onopen = () => { socket.send(JSON.stringify({ type: "auth", token: session, language: lang })); };
    socket.onmessage = (event) => {
      let frame; try { frame = JSON.parse(event.data); } catch (e) { return; /* ignore bad frames */ }
      if (frame.type === "hello") { backoff = 500; setStatus("online"); root.dataset.connected = "true"; while (outbox.length) socket.send(outbox.shift()); return; }
      if (frame.type === "error" && frame.code === "session_expired") return; // renewed on close
      handle(frame);
    };
    socket.onclose = (event) => {
      root.dataset.connected = "false"; setStatus("offline");
      if (event.code === SESSION_REFUSED) { session = null; localStorage.removeItem(SESSION_KEY); backoff = 500; }
      reconnectTimer = setTimeout(connect, backoff); backoff = Math.min(backoff * 2, 15000);
    };
    socket.onerror = () => { try { socket.close(); } catch (e) { /* closing anyway */ } };
  }
  function send(frame) {
    const data = JSON.stringify(frame);
    if (socket && socket.readyState === WebSocket.OPEN && root.dataset.connected === "true") socket.send(data); else outbox.push(data);
  }

  function sizeText(n) { return n >= 1048576 ? (n / 1048576).toFixed(1) + " MB" : Math.ceil(n / 1024) + " KB"; }
  function checkFile(file) {
    const ext = (file.name.split(".").pop() || "").toLowerCase();
    if (!EXTENSIONS.includes(ext)) return T[lang].badType(file.name);
    if (config.max_upload_bytes && file.size > config.max_upload_bytes) return T[lang].tooBig(file.name, sizeText(config.max_upload_bytes));
    if (file.size === 0) return T[lang].badType(file.name);
    return null;
  }
  async function upload(file, retried) {
    const problem = checkFile(file);
    if (problem) { addBubble("error", problem); return; }
    try { await ensureSession(); } catch (e) { addBubble("error", t("uploadFailed")); return; }
    const refused = await new Promise((resolve) => {
      const body = new FormData(); body.append("file", file); body.append("language", lang);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", `${server}/chat/evidence`);
      xhr.setRequestHeader(SESSION_HEADER, session);
      progressBox.hidden = false; progress.value = 0; progressText.textContent = `${t("uploading")} ${file.name}`;
      xhr.upload.onprogress = (e) => { if (e.lengthComputable) progress.value = Math.round((100 * e.loaded) / e.total); };
      xhr.onload = () => {
        progressBox.hidden = true;
        if (xhr.status === 401 && !retried) { resolve(true); return; }
        let data = {};
        try { data = JSON.parse(xhr.responseText); } catch (e) { data = {}; }
        if (xhr.status === 200 && data.evidence) {
          const b = addBubble("customer", `${t("uploaded")}: ${data.evidence.filename}`);
          b.dataset.sha256 = data.evidence.sha256; b.classList.add("cw-file-msg");
        }
        for (const m of data.messages || []) { if (m.gateway && m.gateway !== "evidence_received") addBubble("error", m.text); else renderBot(m); }
        if (xhr.status !== 200 && !(data.messages || []).length) addBubble("error", t("uploadFailed"));
        resolve(false);
      };
      xhr.onerror = () => { progressBox.hidden = true; addBubble("error", t("uploadFailed")); resolve(false); };
      xhr.send(body);
    });
    if (refused) { session = null; localStorage.removeItem(SESSION_KEY); try { socket.close(); } catch (e) { /* reconnects */ } await upload(file, true); }
  }
  async function uploadAll(files) { for (const f of Array.from(files)) await upload(f); }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    if (text.length > config.max_message_chars) { addBubble("error", T[lang].tooLong(config.max_message_chars)); return; }
    input.value = ""; quick.replaceChildren();
    addBubble("customer", text);
    send({ type: "message", text, language: lang });
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); form.requestSubmit(); }
  });
  attachLabel.addEventListener("keydown", (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); fileInput.click(); } });
  fileInput.addEventListener("change", () => { uploadAll(fileInput.files).then(() => { fileInput.value = ""; }); });
  langBtn.addEventListener("click", () => { lang = lang === "zh" ? "en" : "zh"; localStorage.setItem(LANG_KEY, lang); applyLanguage(); });
  root.addEventListener("dragover", (e) => { e.preventDefault(); dropHint.hidden = false; });
  root.addEventListener("dragleave", (e) => { if (e.target === root || e.target === dropHint) dropHint.hidden = true; });
  root.addEventListener("drop", (e) => { e.preventDefault(); dropHint.hidden = true; if (e.dataTransfer) uploadAll(e.dataTransfer.files); });

  async function start() {
    applyLanguage();
    try { config = Object.assign(config, await (await fetch(server + "/chat/config")).json()); } catch (e) { /* defaults */ }
    fileInput.setAttribute("accept", config.accept || EXTENSIONS.map((x) => "." + x).join(","));
    try {
      await ensureSession();
      let response = await fetch(`${server}/chat/history`, { headers: authed() });
      if (response.status === 401) { await newSession(); response = await fetch(`${server}/chat/history`, { headers: authed() }); }
      const history = await response.json();
      for (const m of history.messages || []) addBubble(m.sender, m.text);
      if (!localStorage.getItem(LANG_KEY) && (history.language === "zh" || history.language === "en") && (history.messages || []).length) { lang = history.language; applyLanguage(); }
    } catch (e) { /* a new conversation */ }
    root.dataset.ready = "true";
    connect();
  }
  start();
  window.ClaimChat = { session: () => session, language: () => lang, upload: uploadAll };
})();
