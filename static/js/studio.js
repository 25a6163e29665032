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
