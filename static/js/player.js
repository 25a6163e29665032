// Playback helpers under the lesson video: skip, speed, captions, a transcript that seeks, and
// keyboard shortcuts that act only while the player has focus (so they never steal a screen reader's
// keys, WCAG 2.1.4). The native controls stay; without JavaScript this toolbar stays hidden.
(function () {
  "use strict";
  var video = document.getElementById("lesson-video");
  var controls = document.querySelector(".player-controls");
  if (!video || !controls) { return; }
  var player = video.closest(".player");
  var speed = controls.querySelector("[data-speed]");
  var captionsButton = controls.querySelector("[data-captions]");
  var RATES = Array.prototype.map.call(speed.options, function (option) { return option.value; });
  controls.hidden = false;
  player.querySelector(".player-help").hidden = false;

  function skip(seconds) {
    var target = Math.max(0, Math.min(video.currentTime + seconds, video.duration || Infinity));
    video.currentTime = target;
  }
  function setRate(value) {
    video.playbackRate = parseFloat(value);
    speed.value = value;
  }
  function stepRate(direction) {
    var index = RATES.indexOf(speed.value) + direction;
    if (index >= 0 && index < RATES.length) { setRate(RATES[index]); }
  }
  function toggleCaptions() {
    var track = video.textTracks && video.textTracks[0];
    if (!track || !captionsButton) { return; }
    var on = track.mode !== "showing";
    track.mode = on ? "showing" : "hidden";
    captionsButton.setAttribute("aria-pressed", String(on));
  }

  controls.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) { return; }
    if (button.dataset.skip) { skip(parseFloat(button.dataset.skip)); }
    if (button.hasAttribute("data-captions")) { toggleCaptions(); }
  });
  speed.addEventListener("change", function () { setRate(speed.value); });

  player.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var onControl = event.target.closest("button, select, summary");
    var key = event.key;
    if ((key === " " && onControl) || (onControl && event.target.tagName === "SELECT")) { return; }
    if (key === "k" || (key === " " && event.target === video)) {
      if (video.paused) { video.play(); } else { video.pause(); }
    } else if (key === "j") { skip(-10); }
    else if (key === "l") { skip(10); }
    else if (key === "<") { stepRate(-1); }
    else if (key === ">") { stepRate(1); }
    else if (key === "c") { toggleCaptions(); }
    else { return; }
    event.preventDefault();
  });

  var cues = document.querySelectorAll(".transcript [data-seek]");
  Array.prototype.forEach.call(cues, function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      video.currentTime = parseFloat(link.dataset.seek);
      video.focus();
    });
  });
  if (cues.length) {
    video.addEventListener("timeupdate", function () {
      var current = null;
      Array.prototype.forEach.call(cues, function (link) {
        if (parseFloat(link.dataset.seek) <= video.currentTime) { current = link; }
      });
      Array.prototype.forEach.call(cues, function (link) {
        if (link === current) { link.setAttribute("aria-current", "time"); } else { link.removeAttribute("aria-current"); }
      });
    });
  }
})();
