// Keyboard navigation: j/k move between papers, o or Enter opens, / focuses search.
(function () {
  "use strict";
  var cards = Array.prototype.slice.call(document.querySelectorAll(".card"));
  var current = -1;
  function select(i) {
    if (!cards.length) return;
    i = Math.max(0, Math.min(cards.length - 1, i));
    if (current >= 0) cards[current].classList.remove("is-active");
    current = i;
    cards[i].classList.add("is-active");
    cards[i].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable)) {
      if (e.key === "Escape") t.blur();
      return;
    }
    if (e.key === "/") { e.preventDefault(); document.getElementById("search-box").focus(); }
    else if (e.key === "j") { select(current + 1); }
    else if (e.key === "k") { select(current - 1); }
    else if ((e.key === "o" || e.key === "Enter") && current >= 0) {
      var link = cards[current].querySelector(".card-title a");
      if (link) window.location.href = link.href;
    }
  });
})();
