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
// Upvotes without a page reload: the form posts the state it wants, the count comes back.
(function () {
  "use strict";
  var token = document.querySelector('meta[name="csrf-token"]');
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.classList || !form.classList.contains("vote") || !window.fetch) return;
    e.preventDefault();
    var up = form.querySelector('input[name="up"]');
    var body = new URLSearchParams(new FormData(form));
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": token ? token.content : "" } })
      .then(function (r) {
        if (r.status === 401) { window.location.href = "/login?next=" + encodeURIComponent(location.pathname); return null; }
        if (!r.ok) { return r.json().then(function (j) { alert(j.error || "Could not vote"); return null; }); }
        return r.json();
      })
      .then(function (data) {
        if (!data) return;
        form.querySelector(".count").textContent = data.upvotes;
        form.classList.toggle("voted", data.voted);
        up.value = data.voted ? "false" : "true";
        form.querySelector("button").setAttribute("aria-pressed", data.voted ? "true" : "false");
      });
  });
})();
