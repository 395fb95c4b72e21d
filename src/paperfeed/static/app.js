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
// Save, follow and mute buttons: PUT when off, DELETE when on, through /api with the
// page's CSRF token; the button shows the state the server answered.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.content : "";
  function call(method, url, body) {
    var init = { method: method, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": token } };
    if (body !== undefined) { init.body = JSON.stringify(body); init.headers["Content-Type"] = "application/json"; }
    return fetch(url, init).then(function (r) {
      if (r.status === 401) { window.location.href = "/login?next=" + encodeURIComponent(location.pathname); return null; }
      if (!r.ok) { return r.json().then(function (j) { alert(j.error || "That did not work"); return null; }); }
      return r.json();
    });
  }
  document.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest("[data-toggle-url]") : null;
    if (button && window.fetch) {
      var on = button.getAttribute("aria-pressed") === "true";
      button.disabled = true;
      call(on ? "DELETE" : "PUT", button.getAttribute("data-toggle-url")).then(function (data) {
        button.disabled = false;
        if (!data) return;
        var now = !on;
        button.setAttribute("aria-pressed", now ? "true" : "false");
        button.classList.toggle("saved", now && button.classList.contains("save-btn"));
        button.classList.toggle("on", now && !button.classList.contains("save-btn"));
        var label = button.querySelector(".label");
        if (label) label.textContent = button.getAttribute(now ? "data-on-label" : "data-off-label");
      });
      return;
    }
    var dismiss = e.target.closest ? e.target.closest("[data-not-interested]") : null;
    if (dismiss && window.fetch) {
      var undo = dismiss.getAttribute("aria-pressed") === "true";
      call("POST", dismiss.getAttribute("data-not-interested"), { on: !undo }).then(function (data) {
        if (!data) return;
        dismiss.setAttribute("aria-pressed", data.notInterested ? "true" : "false");
        dismiss.textContent = data.notInterested ? "Undo: show it again" : "Not interested";
        var card = dismiss.closest(".card");
        if (card) card.classList.toggle("dismissed", data.notInterested);
      });
    }
  });
})();
// Dismissible banners: dismissed once, hidden on every page after (localStorage).
(function () {
  "use strict";
  var store; try { store = window.localStorage; } catch (e) { store = null; }
  Array.prototype.forEach.call(document.querySelectorAll("[data-dismissible]"), function (box) {
    var key = "pf-dismissed-" + box.getAttribute("data-dismissible");
    if (store && store.getItem(key)) { box.classList.add("dismissed"); return; }
    var button = box.querySelector("[data-dismiss]");
    if (button) button.addEventListener("click", function () {
      box.classList.add("dismissed");
      if (store) store.setItem(key, "1");
    });
  });
})();
