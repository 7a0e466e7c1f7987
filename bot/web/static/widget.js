/* Chat widget of the Assurance Maladie assistant, on Rasa's socket.io channel (socket.io-client).
 *
 * Embedding: load /static/vendor/socket.io.min.js, /static/widget.js and /static/widget.css, then
 *   <div data-cpam-chat data-rasa-url="https://rasa.example" data-link-domains="ameli.fr ..."></div>
 * Options (data attributes): data-links="off" shows links as text (kiosk), data-restart-button="off"
 * hides "Nouvelle conversation" (the page offers its own).
 * API for the page: element.cpamChat = {send, restart, lastAnswer, input, submit}; events
 * "cpam-chat:message" (detail: the message) and "cpam-chat:restart" are dispatched on the element.
 *
 * Safety: bot and user text only ever become text nodes; a link is made only for an http(s) URL
 * whose host is in data-link-domains (or a subdomain of one).
 */
(function () {
  "use strict";

  var STORAGE_KEY = "cpam-chat:conversation";
  var MAX_STORED_MESSAGES = 200;
  var ANSWER_TIMEOUT_MS = 20000;
  var URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"«»]+/g;
  var TRAILING_PUNCTUATION = /[.,;:!?)\]»]+$/;
  var instances = 0;

  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (attrs[name] !== null && attrs[name] !== undefined && attrs[name] !== false) {
        node.setAttribute(name, attrs[name] === true ? "" : attrs[name]);
      }
    });
    (children || []).forEach(function (child) {
      node.append(child); // a string becomes a text node: never parsed as HTML
    });
    return node;
  }

  function newSessionId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes); // randomUUID needs a secure context; this does not
    return Array.prototype.map.call(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  function allowedLink(url, domains) {
    var parsed;
    try { parsed = new URL(url); } catch (e) { return null; }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") { return null; }
    var host = parsed.hostname.toLowerCase().replace(/^www\./, "");
    var ok = domains.some(function (d) { return host === d || host.slice(-d.length - 1) === "." + d; });
    return ok ? parsed.href : null;
  }

  function readMessage(data) {
    // Rasa's socket.io payload: {text, quick_replies: [{title, payload} | {type: "web_url", title, url}]}
    var message = { from: "bot", text: "", replies: [], links: [] };
    if (!data || typeof data !== "object") { return message; }
    if (typeof data.text === "string") { message.text = data.text; }
    [].concat(data.quick_replies || [], data.buttons || []).forEach(function (b) {
      if (!b || typeof b.title !== "string") { return; }
      if (typeof b.url === "string") { message.links.push({ title: b.title, url: b.url }); }
      else if (typeof b.payload === "string") { message.replies.push({ title: b.title, payload: b.payload }); }
    });
    return message;
  }

  function Chat(root) {
    this.root = root;
    this.id = "cpam-chat-" + (++instances);
    this.rasaUrl = root.getAttribute("data-rasa-url") || "http://localhost:5005";
    this.domains = (root.getAttribute("data-link-domains") || "").split(/\s+/).filter(Boolean);
    this.linksOn = root.getAttribute("data-links") !== "off";
    // Where the person is: recorded with a MAS consent ("web" or "borne"; see actions/saisine.py).
    this.channel = root.getAttribute("data-channel") || "web";
    this.conversation = this.load();
    this.ready = false;     // true once the server confirmed our session
    this.queue = [];        // messages typed before that
    this.build();
    this.restore();
    this.connect();
  }

  Chat.prototype.load = function () {
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY));
      if (saved && typeof saved.sessionId === "string" && Array.isArray(saved.messages)) { return saved; }
    } catch (e) { /* unreadable: start afresh */ }
    return { sessionId: newSessionId(), messages: [] };
  };

  Chat.prototype.save = function () {
    var c = this.conversation;
    c.messages = c.messages.slice(-MAX_STORED_MESSAGES);
    try { sessionStorage.setItem(STORAGE_KEY, JSON.stringify(c)); } catch (e) { /* storage full or off */ }
  };

  Chat.prototype.build = function () {
    var id = this.id;
    var self = this;
    this.list = h("ol", { class: "cpam-chat__messages" });
    // aria-live starts "off" so that a restored conversation is not read again (see restore()).
    this.log = h("div", { class: "cpam-chat__log", role: "log", "aria-live": "off", tabindex: "0",
      "aria-labelledby": id + "-title" }, [this.list]);
    this.typing = h("p", { class: "cpam-chat__typing", "aria-hidden": "true", hidden: true }, ["L'assistant écrit…"]);
    this.status = h("p", { class: "cpam-chat__status", role: "status" });
    this.input = h("input", { id: id + "-input", class: "cpam-chat__input", type: "text", name: "message",
      autocomplete: "off", maxlength: "1000", enterkeyhint: "send", "aria-describedby": id + "-hint" });
    this.form = h("form", { class: "cpam-chat__form" }, [
      h("label", { for: id + "-input", class: "cpam-chat__label" }, ["Votre message"]),
      h("p", { id: id + "-hint", class: "cpam-chat__hint" }, ["N'écrivez jamais votre numéro de sécurité sociale."]),
      h("div", { class: "cpam-chat__row" }, [this.input,
        h("button", { type: "submit", class: "button button--primary cpam-chat__send" }, ["Envoyer"])])
    ]);
    this.replies = h("div", { class: "cpam-chat__replies", role: "group", "aria-label": "Réponses proposées", hidden: true });
    var bar = h("div", { class: "cpam-chat__bar" }, [h("h2", { id: id + "-title", class: "cpam-chat__title" }, ["Conversation"])]);
    if (this.root.getAttribute("data-restart-button") !== "off") {
      var restart = h("button", { type: "button", class: "button cpam-chat__restart" }, ["Nouvelle conversation"]);
      restart.addEventListener("click", function () { self.restart(); self.input.focus(); });
      bar.append(restart);
    }
    this.form.addEventListener("submit", function (event) { event.preventDefault(); self.submit(); });
    this.root.classList.add("cpam-chat");
    this.root.replaceChildren(bar, this.log, this.typing, this.status, this.form, this.replies);
  };

  Chat.prototype.restore = function () {
    var self = this;
    this.conversation.messages.forEach(function (m) { self.list.append(self.render(m)); });
    this.afterChange();
    // Live from now on: only messages added after this point are announced, each once.
    setTimeout(function () { self.log.setAttribute("aria-live", "polite"); }, 0);
  };

  Chat.prototype.connect = function () {
    var self = this;
    if (typeof io !== "function") {
      this.setStatus("Le service de conversation n'a pas pu être chargé. Rechargez la page.");
      return;
    }
    this.socket = io(this.rasaUrl, { path: "/socket.io", reconnectionDelayMax: 10000 });
    this.socket.on("connect", function () {
      self.ready = false;
      self.socket.emit("session_request", { session_id: self.conversation.sessionId });
    });
    this.socket.on("session_confirm", function (sessionId) {
      if (typeof sessionId === "string" && sessionId !== self.conversation.sessionId) {
        self.conversation.sessionId = sessionId; // the server refused ours and chose one
        self.save();
      }
      self.ready = true;
      self.setStatus("");
      self.queue.splice(0).forEach(function (payload) { self.emitMessage(payload); });
    });
    this.socket.on("connect_error", function () {
      self.setStatus("Connexion à l'assistant impossible pour le moment. Nouvel essai automatique…");
    });
    this.socket.on("disconnect", function () { self.ready = false; });
    this.socket.on("bot_uttered", function (data) { self.receive(readMessage(data)); });
  };

  Chat.prototype.emitMessage = function (payload) {
    this.socket.emit("user_uttered", {
      message: payload, session_id: this.conversation.sessionId, metadata: { channel: this.channel }
    });
  };

  Chat.prototype.setStatus = function (text) {
    if (this.status.textContent !== text) { this.status.textContent = text; }
  };

  Chat.prototype.submit = function () {
    var text = this.input.value.trim();
    if (!text) { this.input.focus(); return; }
    this.input.value = "";
    this.send(text);
  };

  /* Sends `payload` to the bot and shows `label` (default: the payload) as the person's message. */
  Chat.prototype.send = function (payload, label) {
    var self = this;
    this.add({ from: "user", text: label || payload, replies: [], links: [] });
    if (this.socket && this.ready) { this.emitMessage(payload); } else { this.queue.push(payload); }
    this.typing.hidden = false;
    clearTimeout(this.answerTimer);
    this.answerTimer = setTimeout(function () {
      self.typing.hidden = true;
      self.setStatus("L'assistant ne répond pas pour le moment. Réessayez dans quelques instants.");
    }, ANSWER_TIMEOUT_MS);
  };

  Chat.prototype.receive = function (message) {
    if (!message.text && !message.replies.length && !message.links.length) { return; }
    clearTimeout(this.answerTimer);
    this.typing.hidden = true;
    this.setStatus("");
    this.add(message);
  };

  Chat.prototype.add = function (message) {
    this.conversation.messages.push(message);
    this.save();
    var item = this.render(message);
    this.list.append(item);
    this.afterChange();
    // The start of each answer in view, so that a long one reads from its beginning.
    var previous = this.conversation.messages[this.conversation.messages.length - 2];
    var turnStart = message.from === "user" || !previous || previous.from === "user";
    if (turnStart) { this.log.scrollTop = item.offsetTop; }
    else if (item.offsetTop + item.offsetHeight > this.log.scrollTop + this.log.clientHeight) {
      this.log.scrollTop = Math.max(this.log.scrollTop, item.offsetTop + item.offsetHeight - this.log.clientHeight);
    }
    this.root.dispatchEvent(new CustomEvent("cpam-chat:message", { detail: message }));
  };

  Chat.prototype.appendText = function (parent, text) {
    var last = 0;
    var match;
    URL_IN_TEXT.lastIndex = 0;
    while ((match = URL_IN_TEXT.exec(text)) !== null) {
      var url = match[0].replace(TRAILING_PUNCTUATION, "");
      parent.append(text.slice(last, match.index));
      parent.append(this.link(url, url));
      last = match.index + url.length;
      URL_IN_TEXT.lastIndex = last;
    }
    parent.append(text.slice(last));
  };

  Chat.prototype.link = function (label, url) {
    var href = this.linksOn ? allowedLink(url, this.domains) : null;
    if (!href) { return label === url ? url : label + " : " + url; }
    return h("a", { href: href, target: "_blank", rel: "noopener noreferrer" },
      [label, h("span", { class: "cpam-sr-only" }, [" (nouvelle fenêtre)"])]);
  };

  Chat.prototype.render = function (message) {
    var self = this;
    var item = h("li", { class: "cpam-msg cpam-msg--" + (message.from === "user" ? "user" : "bot") }, [
      h("span", { class: "cpam-sr-only" }, [message.from === "user" ? "Vous : " : "Assistant : "])
    ]);
    var text = h("div", { class: "cpam-msg__text" });
    this.appendText(text, message.text || "");
    item.append(text);
    if (message.links && message.links.length) {
      item.append(h("ul", { class: "cpam-msg__links" }, message.links.map(function (l) {
        return h("li", {}, [self.link(l.title, l.url)]);
      })));
    }
    if (message.replies && message.replies.length) {
      item.append(h("p", { class: "cpam-sr-only" }, ["Réponses proposées, après la zone de saisie : " +
        message.replies.map(function (r) { return r.title; }).join(", ") + "."]));
    }
    return item;
  };

  /* Marks the last answer (printed by the kiosk) and shows its quick replies. */
  Chat.prototype.afterChange = function () {
    var self = this;
    var messages = this.conversation.messages;
    var items = this.list.children;
    var lastUser = -1;
    messages.forEach(function (m, i) { if (m.from === "user") { lastUser = i; } });
    for (var i = 0; i < items.length; i++) { items[i].classList.toggle("is-last-answer", i > lastUser); }
    var last = messages[messages.length - 1];
    var replies = last && last.from === "bot" ? last.replies || [] : [];
    this.replies.replaceChildren.apply(this.replies, replies.map(function (r) {
      var button = h("button", { type: "button", class: "button cpam-chat__reply" }, [r.title]);
      button.addEventListener("click", function () { self.send(r.payload, r.title); self.input.focus(); });
      return button;
    }));
    this.replies.hidden = replies.length === 0;
  };

  Chat.prototype.lastAnswer = function () {
    var answer = [];
    var messages = this.conversation.messages;
    for (var i = messages.length - 1; i >= 0 && messages[i].from === "bot"; i--) { answer.unshift(messages[i]); }
    return answer;
  };

  /* A new conversation: the server restarts the old tracker (/restart), this page forgets it and
   * asks for a new session. `options.clearStorage` also empties local and session storage (kiosk). */
  Chat.prototype.restart = function (options) {
    var old = this.conversation.sessionId;
    if (this.socket && this.socket.connected && this.conversation.messages.length) {
      this.socket.emit("user_uttered", { message: "/restart", session_id: old });
    }
    clearTimeout(this.answerTimer);
    this.queue = [];
    this.conversation = { sessionId: newSessionId(), messages: [] };
    if (options && options.clearStorage) {
      try { localStorage.clear(); sessionStorage.clear(); } catch (e) { /* storage off */ }
    } else {
      this.save();
    }
    this.list.replaceChildren();
    this.input.value = "";
    this.typing.hidden = true;
    this.setStatus("");
    this.afterChange();
    if (this.socket && this.socket.connected) {
      this.ready = false;
      this.socket.emit("session_request", { session_id: this.conversation.sessionId });
    }
    this.root.dispatchEvent(new CustomEvent("cpam-chat:restart"));
  };

  function mount(root) {
    if (root.cpamChat) { return root.cpamChat; }
    var chat = new Chat(root);
    root.cpamChat = {
      send: chat.send.bind(chat),
      submit: chat.submit.bind(chat),
      restart: chat.restart.bind(chat),
      lastAnswer: chat.lastAnswer.bind(chat),
      input: chat.input
    };
    return root.cpamChat;
  }

  window.CpamChat = { mount: mount };
  document.querySelectorAll("[data-cpam-chat]").forEach(mount);
}());
