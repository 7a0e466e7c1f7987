/* Reception kiosk (/borne), on top of the chat widget: the four paths, an on-screen keypad while
 * the assistant waits for a typed answer, "Lire à voix haute", "Imprimer", and the idle reset.
 *
 * After data-idle-seconds without a touch or a key, a dialog asks whether the person is still
 * there; without an answer within data-warning-seconds (at least 20), everything is wiped for the
 * next person: the tracker is restarted, a new session begins, the screen and the browser's
 * storage are emptied and the home screen comes back. */
(function () {
  "use strict";

  var body = document.body;
  var root = document.querySelector("[data-cpam-chat]");
  var chat = root.cpamChat;
  var idleMs = Number(body.getAttribute("data-idle-seconds")) * 1000;
  var warningMs = Number(body.getAttribute("data-warning-seconds")) * 1000;
  var dialog = document.getElementById("inactivite");
  var countdown = dialog.querySelector(".kiosk-countdown");
  var heading = document.getElementById("accueil-titre");
  var speakButton = document.getElementById("lire");
  var printButton = document.getElementById("imprimer");
  var keypad = document.querySelector(".kiosk-keypad");
  var synth = "speechSynthesis" in window && "SpeechSynthesisUtterance" in window ? window.speechSynthesis : null;
  var idleTimer = null;
  var countdownTimer = null;

  function started() {
    return root.querySelector(".cpam-msg") !== null || chat.input.value !== "";
  }

  function refresh() {
    var answer = chat.lastAnswer();
    var last = answer[answer.length - 1];
    body.setAttribute("data-state", root.querySelector(".cpam-msg") ? "conversation" : "home");
    printButton.disabled = answer.length === 0;
    speakButton.disabled = answer.length === 0;
    // No choice offered: the assistant waits for something typed (an age, a postcode...).
    keypad.hidden = !last || (last.replies || []).length > 0;
  }

  /* --- idle reset ------------------------------------------------------------------------- */

  function armIdle() {
    clearTimeout(idleTimer);
    if (!dialog.open) { idleTimer = setTimeout(warn, idleMs); }
  }

  function warn() {
    if (!started()) { armIdle(); return; } // nothing on screen to protect
    var deadline = Date.now() + warningMs;
    countdown.textContent = String(Math.round(warningMs / 1000));
    dialog.showModal();
    countdownTimer = setInterval(function () {
      var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      countdown.textContent = String(left);
      if (left === 0) { reset(); }
    }, 250);
  }

  function extend() {
    clearInterval(countdownTimer);
    if (dialog.open) { dialog.close(); }
    armIdle();
  }

  function reset() {
    clearInterval(countdownTimer);
    if (dialog.open) { dialog.close(); }
    if (synth) { synth.cancel(); }
    chat.restart({ clearStorage: true });
    refresh();
    window.scrollTo(0, 0);
    heading.focus();
    armIdle();
  }

  ["pointerdown", "keydown", "input", "wheel", "touchstart"].forEach(function (type) {
    document.addEventListener(type, function () { if (!dialog.open) { armIdle(); } }, { capture: true, passive: true });
  });
  document.getElementById("continuer").addEventListener("click", extend);
  document.getElementById("effacer-maintenant").addEventListener("click", reset);
  dialog.addEventListener("cancel", function (event) { event.preventDefault(); extend(); }); // Escape
  document.getElementById("terminer").addEventListener("click", reset);

  /* --- paths, keypad, read aloud, print --------------------------------------------------- */

  document.querySelectorAll(".kiosk-path").forEach(function (button) {
    button.addEventListener("click", function () {
      chat.send(button.getAttribute("data-message"), button.querySelector(".kiosk-path__title").textContent);
    });
  });

  keypad.addEventListener("click", function (event) {
    var key = event.target.closest("[data-key]");
    if (!key) { return; }
    var value = key.getAttribute("data-key");
    if (value === "effacer") { chat.input.value = chat.input.value.slice(0, -1); }
    else if (value === "valider") { chat.submit(); }
    else { chat.input.value += value; }
  });

  function spokenText() {
    // Addresses and source lines are for reading and printing, not for listening.
    return chat.lastAnswer().map(function (m) { return m.text; }).join("\n")
      .split("\n").filter(function (line) { return !/^Source :/.test(line); }).join("\n")
      .replace(/https?:\/\/\S+/g, "");
  }

  if (synth) {
    speakButton.hidden = false;
    speakButton.addEventListener("click", function () {
      if (synth.speaking) { synth.cancel(); return; }
      var utterance = new SpeechSynthesisUtterance(spokenText());
      utterance.lang = "fr-FR";
      utterance.rate = 0.95;
      utterance.onend = utterance.onerror = function () { speakButton.textContent = "Lire à voix haute"; };
      speakButton.textContent = "Arrêter la lecture";
      synth.speak(utterance);
    });
  }
  printButton.addEventListener("click", function () { window.print(); });

  root.addEventListener("cpam-chat:message", function () { refresh(); armIdle(); });
  root.addEventListener("cpam-chat:restart", refresh);
  refresh();
  armIdle();
}());
