/* Embeddable "Chat with us" button of rasa-ethics.
 *
 *   <script src="https://your-bot.example/webhooks/ethics_chat/widget.js" defer></script>
 *
 * Adds a floating button to the host page; it opens the chat page in an iframe served by the
 * same bot server as this script. The script finds that server from its own URL
 * (document.currentScript.src), so nothing needs configuring. It uses only element.style (no
 * <style> element, no inline HTML), which a strict Content-Security-Policy on the host allows.
 */
(function () {
  "use strict";

  const script = document.currentScript;
  if (!script || window.__rasaEthicsWidget) return; // loaded twice: one button is enough
  window.__rasaEthicsWidget = true;

  // ".../webhooks/ethics_chat/widget.js" -> ".../webhooks/ethics_chat/" (the chat page).
  const chatUrl = new URL("./", script.src).href;
  const chatOrigin = new URL(chatUrl).origin;
  const label = script.dataset.label || "Chat with us";

  function styled(element, styles) {
    Object.assign(element.style, styles);
    return element;
  }

  const button = styled(document.createElement("button"), {
    position: "fixed",
    right: "1.25rem",
    bottom: "1.25rem",
    zIndex: "2147483000",
    padding: "0.75rem 1.25rem",
    border: "0",
    borderRadius: "999px",
    background: "#1d4ed8", // white text on it: 6.7:1
    color: "#ffffff",
    font: "600 1rem/1.2 system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
    boxShadow: "0 4px 14px rgba(0, 0, 0, 0.25)",
    cursor: "pointer",
  });
  button.type = "button";
  button.textContent = label;
  button.setAttribute("aria-expanded", "false");

  const panel = styled(document.createElement("div"), {
    position: "fixed",
    right: "1.25rem",
    bottom: "5rem",
    zIndex: "2147483000",
    width: "min(24rem, calc(100vw - 2.5rem))",
    height: "min(36rem, calc(100vh - 7rem))",
    border: "1px solid #d1d5db",
    borderRadius: "0.75rem",
    overflow: "hidden",
    background: "#ffffff",
    boxShadow: "0 10px 30px rgba(0, 0, 0, 0.25)",
  });
  panel.id = "rasa-ethics-chat-panel";
  panel.hidden = true;
  button.setAttribute("aria-controls", panel.id);

  let frame = null; // created on first open: no request to the bot until the customer asks
  let loaded = false;

  function open() {
    if (!frame) {
      frame = styled(document.createElement("iframe"), {
        width: "100%",
        height: "100%",
        border: "0",
        display: "block",
      });
      frame.title = "Chat with us";
      frame.src = chatUrl;
      // Focus goes into the chat once it has loaded (focusing an empty frame would send the
      // next Tab past it); until then it stays on the button, and Tab reaches the chat next.
      frame.addEventListener("load", () => {
        loaded = true;
        if (!panel.hidden) frame.focus();
      });
      panel.append(frame);
    }
    panel.hidden = false;
    button.setAttribute("aria-expanded", "true");
    button.textContent = "Close chat";
    if (loaded) frame.focus();
  }

  function close() {
    panel.hidden = true;
    button.setAttribute("aria-expanded", "false");
    button.textContent = label;
    button.focus();
  }

  button.addEventListener("click", () => (panel.hidden ? open() : close()));
  // Focus ring for keyboard users (the host page's CSS may have removed the default one).
  button.addEventListener("focus", () => {
    if (button.matches(":focus-visible")) {
      styled(button, { outline: "3px solid #1e3a8a", outlineOffset: "3px" });
    }
  });
  button.addEventListener("blur", () => styled(button, { outline: "" }));
  // Escape inside the chat page: it posts this message (only trusted from our own frame).
  window.addEventListener("message", (event) => {
    const data = event.data;
    if (frame && event.source === frame.contentWindow && event.origin === chatOrigin
        && data && data.type === "rasa-ethics-chat:close") {
      close();
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.hidden) close();
  });

  function mount() {
    // The panel comes right after the button, so Tab goes from the button into the chat.
    document.body.append(button, panel);
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
