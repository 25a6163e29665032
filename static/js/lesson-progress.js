// Reports playback to the server every 15 s, on pause and when the page is left, and resumes
// the video where the learner stopped. The page works without it: only resume and automatic
// completion need it, and "Mark complete" is a plain form.
(function () {
  "use strict";
  var video = document.getElementById("lesson-video");
  if (!video) { return; }
  var resumeAt = parseFloat(video.dataset.resume || "0");
  video.addEventListener("loadedmetadata", function () {
    if (resumeAt > 0 && resumeAt < video.duration - 1) { video.currentTime = resumeAt; }
  });
  if (!video.dataset.progressUrl) { return; }
  var url = video.dataset.progressUrl;
  var token = video.dataset.csrfToken;
  var lastSent = -1;

  function report(useBeacon) {
    var position = video.currentTime;
    if (!isFinite(position) || Math.abs(position - lastSent) < 0.5) { return; }
    lastSent = position;
    var body = new URLSearchParams({
      csrf_token: token, position: position.toFixed(2), reported_at: String(Date.now())
    });
    if (useBeacon && navigator.sendBeacon) {
      navigator.sendBeacon(url, body);
    } else {
      fetch(url, { method: "POST", body: body, credentials: "same-origin", keepalive: true })
        .catch(function () { /* the next report will carry the position */ });
    }
  }

  setInterval(function () { if (!video.paused) { report(false); } }, 15000);
  video.addEventListener("pause", function () { report(false); });
  video.addEventListener("ended", function () { report(false); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { report(true); }
  });
  window.addEventListener("pagehide", function () { report(true); });
})();
