/* Agent console of rasa-ethics (routes: docs/web-chat.md, "Agent console").
 *
 * Signs the agent in (an HttpOnly session cookie plus a CSRF token that lives only in this
 * script's memory and goes out as X-CSRF-Token on every POST), polls the queue and the opened
 * request every second, and sends the agent's claim / assign / reply / resolve / presence.
 * Every text from the server is inserted with textContent, never as HTML.
 */
(function () {
  "use strict";

  const POLL_MS = 1000;
  const ROLE_LABELS = { customer: "Customer", bot: "AI assistant", agent: "Agent" };
  const EXPIRED = "Your session has expired, please sign in again.";

  // ".../console/static/console.js" -> ".../console/" (or <body data-base>, if the server fills it).
  const scriptUrl = document.currentScript ? document.currentScript.src : location.href;
  const given = document.body.dataset.base;
  const base = new URL(given || "..", given ? location.href : scriptUrl).href.replace(/\/?$/, "/");

  let me = null; // {agent, display_name, presence}; null when signed out
  let csrf = null; // memory only: never in a URL, a cookie we set, or storage
  let generation = 0; // bumped at sign-in and sign-out: stale poll loops stop
  let queue = { handoffs: [], agents: [], canned_replies: [] };
  let queueAt = Date.now(); // when the queue's waiting_seconds were measured
  let openId = null; // the request shown on the right
  let shownSince = []; // the "since" messages already rendered (append-only)
  const $ = (id) => document.getElementById(id);

  class Unauthorized extends Error {}

  /** fetch JSON from api/<path>; a 401 anywhere means the session is gone. */
  async function call(path, body) {
    const options = { credentials: "same-origin", headers: {} };
    if (body !== undefined) {
      options.method = "POST";
      options.headers["Content-Type"] = "application/json";
      if (csrf) options.headers["X-CSRF-Token"] = csrf;
      options.body = JSON.stringify(body);
    }
    const response = await fetch(base + "api/" + path, options);
    if (response.status === 401) throw new Unauthorized();
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(data.error || data.message || "HTTP " + response.status);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  function notify(text) {
    if ($("notice").textContent !== text) $("notice").textContent = text;
  }

  /** Run an action; a 401 signs out with the expiry message, other errors become a notice. */
  async function attempt(action, failure) {
    try {
      await action();
      return true;
    } catch (error) {
      if (error instanceof Unauthorized) signedOut(EXPIRED);
      else notify(failure + (error.status ? " (" + error.message + ")" : " The server can't be reached."));
      return false;
    }
  }

  // ---- Signing in and out -------------------------------------------------------------------

  function signedIn(answer) {
    me = answer;
    csrf = answer.csrf;
    generation += 1;
    $("signin").hidden = true;
    $("desk").hidden = false;
    $("account").hidden = false;
    $("who").textContent = "Signed in as " + (answer.display_name || answer.agent);
    $("presence").value = answer.presence === "away" ? "away" : "online";
    notify("");
    pollLoop(generation);
  }

  function signedOut(message) {
    me = null;
    csrf = null;
    generation += 1;
    closeRequest();
    $("desk").hidden = true;
    $("account").hidden = true;
    $("signin").hidden = false;
    $("signin-message").textContent = message || "";
    $("password").value = "";
    notify("");
    $("agent-id").focus();
  }

  async function signIn(event) {
    event.preventDefault();
    const agent = $("agent-id").value.trim();
    const password = $("password").value;
    try {
      signedIn(await call("login", { agent: agent, password: password }));
      $("password").value = "";
      $("queue-title").focus();
    } catch (error) {
      $("signin-message").textContent = error instanceof Unauthorized
        ? "That agent ID and password don't match. Please try again."
        : "The server can't be reached. Please try again in a moment.";
    }
  }

  async function signOut() {
    await call("logout", {}).catch(() => {}); // signed out here whatever the server says
    signedOut("You have signed out.");
  }

  // ---- Queue --------------------------------------------------------------------------------

  function isUrgent(row) {
    return /self[_ -]?harm/i.test(String(row.reason || "") + " " + String(row.topic || ""));
  }

  function words(value) {
    const text = String(value || "").replace(/^topic:/, "sensitive topic: ").replace(/_/g, " ");
    return text ? text.charAt(0).toUpperCase() + text.slice(1) : "—";
  }

  function duration(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    if (s < 60) return s + " s";
    if (s < 3600) return Math.floor(s / 60) + " min " + String(s % 60).padStart(2, "0") + " s";
    return Math.floor(s / 3600) + " h " + String(Math.floor(s / 60) % 60).padStart(2, "0") + " min";
  }

  function assigneeText(row) {
    return row.assignee ? row.assignee_name || row.assignee : "Unassigned";
  }

  function text(tag, className, content) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    node.textContent = content;
    return node;
  }

  /** One queue row, rebuilt in place (the same <li> and buttons keep the keyboard focus). */
  function fillRow(li, row) {
    li.classList.toggle("urgent", isUrgent(row));
    li.classList.toggle("selected", row.id === openId);
    const head = li.querySelector(".row-head");
    const info = [
      isUrgent(row) ? text("span", "badge", "Urgent") : null,
      text("strong", "reference", row.reference || "No reference"),
      text("span", "wait", ""),
    ].filter(Boolean);
    head.replaceChildren(...info);
    const meta = [words(row.reason)].concat(row.topic ? ["Topic: " + words(row.topic)] : []);
    meta.push(row.assignee ? "Assigned to " + assigneeText(row) : "Unassigned");
    li.querySelector(".row-meta").textContent = meta.join(" · ");
    li.querySelector(".open-ref").textContent = " " + (row.reference || row.id);
    li.querySelector(".claim").hidden = row.assignee === me.agent;
  }

  function newRow(row) {
    const li = document.createElement("li");
    li.className = "request";
    li.dataset.id = row.id;
    const actions = document.createElement("div");
    actions.className = "row-actions";
    const open = text("button", "button-secondary open", "Open");
    open.type = "button";
    open.append(text("span", "visually-hidden open-ref", ""));
    open.addEventListener("click", () => openRequest(row.id));
    const claim = text("button", "button-primary claim", "Claim");
    claim.type = "button";
    claim.addEventListener("click", () => claimRequest(row.id));
    actions.append(open, claim);
    li.append(text("div", "row-head", ""), text("p", "row-meta", ""), actions);
    return li;
  }

  function renderQueue() {
    const list = $("queue");
    const rows = queue.handoffs || [];
    const existing = new Map(Array.from(list.children).map((li) => [li.dataset.id, li]));
    rows.forEach((row, index) => {
      const li = existing.get(row.id) || newRow(row);
      existing.delete(row.id);
      fillRow(li, row);
      if (list.children[index] !== li) list.insertBefore(li, list.children[index] || null);
    });
    for (const gone of existing.values()) {
      if (gone.contains(document.activeElement)) list.focus(); // do not drop the focus on <body>
      gone.remove();
    }
    $("queue-empty").hidden = rows.length > 0;
    $("queue-count").textContent = "(" + rows.length + " waiting)";
    tick();
    const agents = (queue.agents || []).map((a) => [a.id, a.display_name + " (" + a.presence + ")"]);
    fillSelect($("assign-to"), agents);
    const canned = (queue.canned_replies || []).map((reply) => [reply, reply]);
    fillSelect($("canned"), [["", "Choose a canned reply…"]].concat(canned));
  }

  /** Waiting times tick every second between two queue answers. */
  function tick() {
    const elapsed = (Date.now() - queueAt) / 1000;
    for (const row of queue.handoffs || []) {
      const li = $("queue").querySelector('li[data-id="' + CSS.escape(row.id) + '"] .wait');
      if (li) li.textContent = "waiting " + duration((row.waiting_seconds || 0) + elapsed);
    }
  }

  /** Replace a select's options only when they changed, keeping the current choice. */
  function fillSelect(select, options) {
    const signature = JSON.stringify(options);
    if (select.dataset.signature === signature) return;
    const chosen = select.value;
    select.dataset.signature = signature;
    select.replaceChildren(...options.map(([value, label]) => {
      const option = text("option", "", label);
      option.value = value;
      return option;
    }));
    if (options.some(([value]) => value === chosen)) select.value = chosen;
  }

  // ---- The opened request -------------------------------------------------------------------

  function messageItem(message) {
    const li = text("li", "line line-" + (message.role || "bot"), "");
    li.append(text("span", "line-role", ROLE_LABELS[message.role] || message.role || "Message"));
    li.append(text("span", "line-text", shownText(message)));
    return li;
  }

  /** A customer's button press is stored as its payload ("/ethics_human_handoff"): say so. */
  function shownText(message) {
    const value = message.text || "";
    if (message.role === "customer" && /^\/[A-Za-z_][\w.-]*/.test(value)) {
      return "(pressed a button: " + words(value.slice(1).split("{")[0]) + ")";
    }
    return value;
  }

  function renderRequest(request, fresh) {
    $("d-reference").textContent = request.reference || "—";
    $("d-reason").textContent = words(request.reason);
    $("d-topic").textContent = words(request.topic);
    $("d-signals").textContent = (request.signals || []).map(words).join(", ") || "—";
    $("d-assignee").textContent = assigneeText(request);
    $("claim").hidden = request.assignee === me.agent;
    if (fresh) $("transcript").replaceChildren(...(request.transcript || []).map(messageItem));
    const since = request.since || [];
    const same = shownSince.every((m, i) => since[i] && since[i].text === m.text && since[i].role === m.role);
    if (!same) $("since").replaceChildren(...since.map(messageItem)); // changed: start over
    else since.slice(shownSince.length).forEach((m) => $("since").append(messageItem(m)));
    shownSince = since;
  }

  async function loadRequest(id, fresh) {
    try {
      const request = await call("handoffs/" + encodeURIComponent(id));
      if (id === openId && me) renderRequest(request, fresh);
    } catch (error) {
      if (error instanceof Unauthorized) throw error;
      if (error.status === 403 || error.status === 404) {
        closeRequest();
        notify("That request is no longer open.");
      } else {
        notify("The server can't be reached. Retrying…");
      }
    }
  }

  async function openRequest(id) {
    openId = id;
    shownSince = [];
    $("since").replaceChildren();
    $("conversation-empty").hidden = true;
    $("detail").hidden = false;
    renderQueue();
    await attempt(() => loadRequest(id, true), "The request couldn't be opened.");
    $("conversation-title").focus();
  }

  function closeRequest() {
    openId = null;
    shownSince = [];
    $("detail").hidden = true;
    $("conversation-empty").hidden = false;
  }

  // ---- Actions ------------------------------------------------------------------------------

  async function refreshQueue() {
    const mine = generation;
    const answer = await call("queue");
    if (mine !== generation) return; // signed out meanwhile
    queue = answer;
    queueAt = Date.now();
    renderQueue();
  }

  /** POST handoffs/<id>/<path>; true when done (then `done` is the notice). */
  async function act(id, path, body, failure, done) {
    const url = "handoffs/" + encodeURIComponent(id) + "/" + path;
    const ok = !!id && (await attempt(() => call(url, body), failure));
    if (ok) notify(done);
    return ok;
  }

  async function claimRequest(id) {
    const done = "You have claimed this request.";
    if (!(await act(id, "claim", {}, "The request couldn't be claimed.", done))) return;
    if (id === openId) $("reply").focus(); // the Claim button disappears: keep the focus useful
    else await openRequest(id);
  }

  async function pollLoop(mine) {
    while (mine === generation) {
      const ok = await attempt(async () => {
        await refreshQueue();
        if (openId) await loadRequest(openId, false);
      }, "Can't refresh the queue.");
      if (ok && $("notice").textContent.startsWith("Can't refresh")) notify("");
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  function wire() {
    $("signin-form").addEventListener("submit", signIn);
    $("signout").addEventListener("click", signOut);
    $("presence").addEventListener("change", () => {
      const presence = $("presence").value;
      attempt(() => call("presence", { presence: presence }), "Your status couldn't be changed.")
        .then((ok) => ok && notify("You are now " + presence + "."));
    });
    $("claim").addEventListener("click", () => claimRequest(openId));
    $("assign").addEventListener("click", () => {
      const agent = $("assign-to").value;
      if (agent) act(openId, "assign", { agent: agent }, "The request couldn't be assigned.", "Assigned.");
    });
    $("resolve").addEventListener("click", async () => {
      const done = "Resolved: the AI assistant has the conversation again.";
      if (await act(openId, "resolve", {}, "The request couldn't be resolved.", done)) {
        closeRequest();
        $("queue").focus();
      }
    });
    $("canned").addEventListener("change", () => {
      if ($("canned").value) $("reply").value = $("canned").value; // focus stays: no surprise
    });
    $("reply-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const reply = $("reply").value.trim();
      const failure = "Your reply wasn't sent; it is still in the box.";
      if (reply && (await act(openId, "reply", { text: reply }, failure, "Reply sent."))) {
        $("reply").value = "";
        $("canned").value = "";
      }
    });
    setInterval(() => me && tick(), 1000);
  }

  async function start() {
    wire();
    try {
      signedIn(await call("me"));
    } catch (error) {
      const down = "The server can't be reached. Please try again in a moment.";
      signedOut(error instanceof Unauthorized ? "" : down);
    }
  }

  start();
})();
