/* Search on the reference page: hides the entries that do not contain every word typed
 * (accents and case ignored) and says how many are left. */
(function () {
  "use strict";

  var box = document.querySelector(".search");
  var input = document.getElementById("recherche");
  var result = document.getElementById("recherche-resultat");
  var entries = Array.prototype.slice.call(document.querySelectorAll(".entry"));
  var groups = Array.prototype.slice.call(document.querySelectorAll(".group"));
  var timer;

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  var texts = entries.map(function (entry) { return fold(entry.textContent); });

  function filter() {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    entries.forEach(function (entry, i) {
      var match = words.every(function (w) { return texts[i].indexOf(w) !== -1; });
      entry.hidden = !match;
      if (match) { shown += 1; }
    });
    groups.forEach(function (group) {
      group.hidden = !group.querySelector(".entry:not([hidden])");
    });
    if (!words.length) { result.textContent = ""; }
    else if (shown === 0) { result.textContent = "Aucune fiche ne correspond à votre recherche."; }
    else { result.textContent = shown + (shown === 1 ? " fiche correspond" : " fiches correspondent") + " à votre recherche."; }
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(filter, 150); // one announcement per pause in typing, not per key
  });
  box.hidden = false;
}());
