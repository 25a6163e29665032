// The course outline beside a lesson is open on wide screens and folded to its button on narrow ones,
// so the lesson comes first on a phone. Without JavaScript it simply stays open.
(function () {
  "use strict";
  var outline = document.querySelector("details.outline[data-collapse-below]");
  if (!outline || !window.matchMedia) { return; }
  var narrow = window.matchMedia("(max-width: " + outline.dataset.collapseBelow + ")");
  function fit() { outline.open = !narrow.matches; }
  fit();
  narrow.addEventListener("change", fit);
})();
