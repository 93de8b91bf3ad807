/* Customer web chat of rasa-ethics.
 *
 * Talks to the ethics_chat channel (see docs/web-chat.md):
 *   POST session            -> {session}: the key of a new conversation, kept in sessionStorage for this tab
 *   POST messages           {session, text}; a payload is a text starting with "/"
 *   GET  stream?...&after=  server-sent events "message" and "status" (the main path)
 *   GET  messages?...&after= the same as JSON, polled every second when EventSource is missing
 *                            or keeps failing
 * Every text from the server is inserted with textContent, never as HTML.
 */
(function () {
  "use strict";

  const HANDOFF_PAYLOAD = "/ethics_human_handoff"; // rasa_ethics.constants.HANDOFF_INTENT
  const STORAGE_KEY = "rasa-ethics-chat-conversation";
  const POLL_MS = 1000;
  const STREAM_FAILURES_BEFORE_POLLING = 3;
  const STREAM_RETRY_POLLS = 60; // while polling, try the stream again after this many answers

  // The channel's base URL, always ending in "/": the server may fill <body data-base>;
  // else it is the folder above this script (".../ethics_chat/static/chat.js").
  const scriptUrl = document.currentScript ? document.currentScript.src : location.href;
  let base = "";

  const state = {
    conversationId: null,
    cursor: 0, // id of the newest message shown; reconnects and polls ask for what comes after
    sentSomething: false, // after the first send, the customer's own messages are shown locally
    status: null, // the latest status event
    resumed: false, // a "resumed" message came after the latest handoff
    source: null, // the EventSource, while streaming
    streamFailures: 0,
    polling: false,
    polls: 0, // successful polls since polling started
  };

  let el = {};

  function channelBase() {
    const given = document.body.dataset.base;
    const url = new URL(given || "..", given ? location.href : scriptUrl);
    return url.href.endsWith("/") ? url.href : url.href + "/";
  }

  function api(path) {
    return base + path;
  }

  // ---- Notices ------------------------------------------------------------------------------

  function notify(text) {
    if (el.notice.textContent !== text) el.notice.textContent = text;
  }

  // ---- Rendering messages -------------------------------------------------------------------

  /** Run `change`, then keep the log scrolled to the end if it was there (or `force`). */
  function keepingBottom(change, force) {
    const log = el.log;
    const follow = force || log.scrollHeight - log.scrollTop - log.clientHeight < 80;
    const result = change();
    if (follow) log.scrollTop = log.scrollHeight;
    return result;
  }

  /** Append one message; from is "bot" | "agent" | "customer". Returns its element. */
  function appendMessage(from, label, text, kind) {
    const item = document.createElement("div");
    item.className = "message message-" + from + (kind ? " kind-" + kind : "");
    const name = document.createElement("p");
    name.className = "message-label";
    name.textContent = label;
    const body = document.createElement("p");
    body.className = "message-text";
    body.textContent = text;
    item.append(name, body);
    keepingBottom(() => el.log.append(item), from === "customer");
    return item;
  }

  /** Quick replies under a bot message: real buttons that send their payload. */
  function appendButtons(item, buttons) {
    const group = document.createElement("div");
    group.className = "quick-replies";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Suggested replies");
    for (const button of buttons) {
      const control = document.createElement("button");
      control.type = "button";
      control.className = "quick-reply";
      control.textContent = button.title;
      control.addEventListener("click", () => {
        control.classList.add("chosen");
        send(button.payload, button.title);
      });
      group.append(control);
    }
    keepingBottom(() => item.append(group));
  }

  /** A customer answered: older quick replies no longer apply. Returns what was disabled. */
  function disableQuickReplies() {
    const open = Array.from(el.log.querySelectorAll(".quick-reply:not(:disabled)"));
    open.forEach((button) => (button.disabled = true));
    return open;
  }

  function showCustomer(text) {
    disableQuickReplies();
    return appendMessage("customer", "You", text, "message");
  }

  /** One message from the stream or the poll; duplicates (id <= cursor) are skipped. */
  function receive(message) {
    const id = Number(message.id);
    if (!(id > state.cursor)) return;
    state.cursor = id;
    if (message.from === "customer" || message.kind === "customer") {
      // Shown locally when sent; from the server only the history of an earlier page load.
      if (!state.sentSomething) showCustomer(message.text || "");
      return;
    }
    const from = message.from === "agent" ? "agent" : "bot";
    const label = message.label || (from === "agent" ? "Agent" : "AI assistant");
    const item = appendMessage(from, label, message.text || "", message.kind);
    if (Array.isArray(message.buttons) && message.buttons.length) {
      appendButtons(item, message.buttons);
    }
    if (message.kind === "resumed") state.resumed = true;
    if (message.kind === "handoff") state.resumed = false;
    renderStatus();
  }

  // ---- Status area --------------------------------------------------------------------------

  function formatWait(seconds) {
    if (seconds == null || !isFinite(seconds)) return "";
    const minutes = Math.round(seconds / 60);
    if (minutes < 1) return "less than a minute";
    if (minutes < 60) return minutes === 1 ? "about 1 minute" : "about " + minutes + " minutes";
    const hours = Math.round(minutes / 60);
    return hours === 1 ? "about 1 hour" : "about " + hours + " hours";
  }

  function waitingLines(handoff) {
    let place = "";
    if (handoff.place != null) place = "You're number " + handoff.place + " in the queue";
    if (handoff.ahead === 0) place += place ? ", next in line." : "You're next in line.";
    else if (handoff.ahead > 0) {
      const ahead = handoff.ahead === 1 ? "1 person" : handoff.ahead + " people";
      place += (place ? ", with " : "There are ") + ahead + (place ? " ahead of you." : " ahead of you.");
    } else if (place) place += ".";
    const wait = formatWait(handoff.expected_wait_seconds);
    return [place + (wait ? (place ? " " : "") + "Expected wait: " + wait + "." : "")].filter(Boolean);
  }

  function statusLines() {
    const handoff = state.status && state.status.handoff;
    if (!handoff) return state.resumed ? ["You're back with the AI assistant."] : [];
    let lines;
    if (handoff.state === "with_agent") {
      lines = [(handoff.agent || "A member of our team") + " has joined the conversation."];
    } else {
      lines = ["Waiting for a member of our team."].concat(waitingLines(handoff));
    }
    if (handoff.reference) lines.push("Your reference number is " + handoff.reference + ".");
    return lines;
  }

  function renderStatus() {
    const lines = statusLines();
    const text = lines.join("\n");
    if (el.status.dataset.text === text) return; // unchanged: do not re-announce
    el.status.dataset.text = text;
    keepingBottom(() => el.status.replaceChildren(
      ...lines.map((line, index) => {
        const p = document.createElement("p");
        p.className = index === 0 ? "status-headline" : "status-detail";
        p.textContent = line;
        return p;
      }),
    ));
    const handoff = state.status && state.status.handoff;
    el.status.className = "status" + (lines.length ? " status-" + (handoff ? handoff.state : "bot") : "");
  }

  function receiveStatus(status) {
    if (status && status.handoff && state.resumed && !(state.status && state.status.handoff)) {
      state.resumed = false; // a new handoff after an earlier resume
    }
    state.status = status || null;
    renderStatus();
  }

  // ---- Conversation and transport -----------------------------------------------------------

  let sessionPromise = null;

  // sessionStorage may be denied (e.g. third-party storage blocked for the widget's iframe):
  // then the conversation lasts as long as the page.
  function stored(value) {
    try {
      if (value === undefined) return sessionStorage.getItem(STORAGE_KEY);
      sessionStorage.setItem(STORAGE_KEY, value);
    } catch (error) {
      return null;
    }
    return value;
  }

  /** The conversation id of this tab: from sessionStorage, else POST session (once). */
  function ensureSession() {
    if (!sessionPromise) {
      sessionPromise = (async () => {
        const known = stored();
        if (known) return known;
        const response = await fetch(api("session"), { method: "POST" });
        if (!response.ok) throw new Error("session " + response.status);
        const id = (await response.json()).session;
        stored(id);
        return id;
      })().catch((error) => {
        sessionPromise = null; // try again next time
        throw error;
      });
    }
    return sessionPromise;
  }

  function query() {
    return "session=" + encodeURIComponent(state.conversationId) + "&after=" + state.cursor;
  }

  /** Stream with EventSource; on errors reopen it ourselves so "after" is the current cursor. */
  function openStream() {
    const source = new EventSource(api("stream?" + query()));
    state.source = source;
    source.addEventListener("open", () => {
      state.streamFailures = 0;
      notify("");
    });
    source.addEventListener("message", (event) => receive(JSON.parse(event.data)));
    source.addEventListener("status", (event) => receiveStatus(JSON.parse(event.data)));
    source.addEventListener("error", () => {
      source.close(); // the browser would reconnect with the old "after"
      state.source = null;
      state.streamFailures += 1;
      if (state.streamFailures >= STREAM_FAILURES_BEFORE_POLLING) {
        startPolling();
      } else {
        setTimeout(openStream, 1000 * state.streamFailures);
      }
    });
  }

  function startPolling() {
    if (state.polling) return;
    state.polling = true;
    state.polls = 0;
    poll();
  }

  async function poll() {
    try {
      const response = await fetch(api("messages?" + query()));
      if (!response.ok) throw new Error("messages " + response.status);
      const answer = await response.json();
      (answer.messages || []).forEach(receive);
      if ("status" in answer) receiveStatus(answer.status);
      notify("");
      state.polls += 1;
    } catch (error) {
      notify("We're having trouble reaching the chat service. We'll keep trying.");
    }
    if ("EventSource" in window && state.polls >= STREAM_RETRY_POLLS) {
      // The server has answered for a while: try the stream again (one failure: back to polls).
      state.polling = false;
      state.streamFailures = STREAM_FAILURES_BEFORE_POLLING - 1;
      openStream();
    } else {
      setTimeout(poll, POLL_MS);
    }
  }

  async function start() {
    try {
      state.conversationId = await ensureSession();
    } catch (error) {
      notify("We couldn't start the chat just now. We'll try again in a moment.");
      setTimeout(start, 3000);
      return;
    }
    notify("");
    if ("EventSource" in window) openStream();
    else startPolling();
  }

  /** Send text (or a "/payload"); show `shown` at once as the customer's message. */
  async function send(text, shown) {
    state.sentSomething = true;
    const disabled = disableQuickReplies();
    const item = appendMessage("customer", "You", shown, "message");
    try {
      const id = await ensureSession();
      const response = await fetch(api("messages"), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ session: id, text: text }),
      });
      if (!response.ok) throw new Error("send " + response.status);
      notify("");
      return true;
    } catch (error) {
      item.remove();
      disabled.forEach((button) => (button.disabled = false));
      notify("Your message wasn't sent. Please check your connection and try again.");
      return false;
    }
  }

  // ---- Wiring -------------------------------------------------------------------------------

  function init() {
    base = channelBase();
    el = {
      log: document.getElementById("log"),
      status: document.getElementById("status"),
      notice: document.getElementById("notice"),
      form: document.getElementById("composer"),
      input: document.getElementById("message"),
      handoff: document.getElementById("handoff"),
    };
    el.form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = el.input.value.trim();
      if (!text) return;
      el.input.value = "";
      if (!(await send(text, text)) && !el.input.value) el.input.value = text; // keep it on failure
      el.input.focus();
    });
    el.handoff.addEventListener("click", () => send(HANDOFF_PAYLOAD, "Talk to a human"));
    // A clicked quick reply becomes disabled and would drop the focus: keep it in the box.
    el.log.addEventListener("click", (event) => {
      if (event.target.closest(".quick-reply")) el.input.focus();
    });
    // In the widget's iframe, Escape asks the host page to close the chat (no focus trap).
    if (window.parent !== window) {
      document.addEventListener("keydown", (event) => {
        if (event.key === "Escape") window.parent.postMessage({ type: "rasa-ethics-chat:close" }, "*");
      });
    }
    start();
  }

  init();
})();
