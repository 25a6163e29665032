// The studio's live preview: the server renders and sanitises the Markdown exactly as for learners.
(function () {
  "use strict";
  var target = document.getElementById("live-preview");
  var body = document.getElementById("body");
  var form = body && body.form;
  if (!target || !body || !form) { return; }
  var token = form.querySelector("input[name=csrf_token]").value;
  var timer = null;
  function refresh() {
    var data = new FormData();
    data.append("body", body.value);
    data.append("csrf_token", token);
    fetch(target.dataset.previewUrl, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) { target.innerHTML = html; } });
  }
  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
}());

// Drag and drop of lessons within a module; the ↑/↓ buttons do the same without JavaScript.
(function () {
  "use strict";
  var studio = document.querySelector("[data-csrf-token]");
  if (!studio) { return; }
  var token = studio.dataset.csrfToken;
  var dragged = null;
  document.querySelectorAll("ol.studio-lessons[data-order-url]").forEach(function (list) {
    list.querySelectorAll("li[data-slug]").forEach(function (item) {
      item.draggable = true;
      item.addEventListener("dragstart", function () { dragged = item; });
      item.addEventListener("dragover", function (event) { event.preventDefault(); });
      item.addEventListener("drop", function (event) {
        event.preventDefault();
        if (!dragged || dragged === item || dragged.parentNode !== list) { return; }
        var items = Array.prototype.slice.call(list.children);
        var downwards = items.indexOf(dragged) < items.indexOf(item);
        list.insertBefore(dragged, downwards ? item.nextSibling : item);
        var data = new FormData();
        data.append("csrf_token", token);
        list.querySelectorAll("li[data-slug]").forEach(function (li) { data.append("slugs", li.dataset.slug); });
        fetch(list.dataset.orderUrl, { method: "POST", body: data, credentials: "same-origin" })
          .then(function (response) { if (!response.ok) { window.location.reload(); } });
      });
    });
  });
}());
