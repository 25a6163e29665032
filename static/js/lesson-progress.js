// Reports playback to the server every 10 seconds of video (at any speed), on pause, at the end and
// when the page is left, and resumes the video where the learner stopped. The server decides when the
// lesson is complete (90% watched continuously); this script only tells the learner when it happens.
// The page works without it: "Mark complete" is a plain form.
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
  var status = document.getElementById("progress-status");
  var lastSent = -1;
  var REPORT_EVERY = 10; // seconds of video: within the server's 31 s continuity window at 2x and beyond

  function announceComplete(result) {
    var form = document.querySelector(".complete-form");
    if (form) {
      var badge = form.querySelector(".badge-done");
      if (!badge) {
        form.querySelector("input[name=done]").value = "0";
        var button = form.querySelector("button");
        button.textContent = "Mark as not complete";
        button.className = "link-button";
        badge = document.createElement("span");
        badge.className = "badge badge-done";
        badge.textContent = "Completed";
        form.insertBefore(badge, button);
      }
    }
    if (status) {
      var message = document.createElement("p");
      message.className = "flash flash-success";
      message.textContent = result.certificate_issued
        ? "Lesson complete. You finished the course: your certificate is ready."
        : "Lesson complete: you watched it to the end.";
      if (result.certificate_issued && video.dataset.finishUrl) {
        var link = document.createElement("a");
        link.href = video.dataset.finishUrl;
        link.textContent = "See your certificate";
        message.appendChild(document.createTextNode(" "));
        message.appendChild(link);
      }
      status.replaceChildren(message);
    }
  }

  function report(useBeacon) {
    var position = video.currentTime;
    if (!isFinite(position) || Math.abs(position - lastSent) < 0.5) { return; }
    lastSent = position;
    var body = new URLSearchParams({
      csrf_token: token, position: position.toFixed(2), reported_at: String(Date.now())
    });
    if (useBeacon && navigator.sendBeacon) {
      navigator.sendBeacon(url, body);
      return;
    }
    fetch(url, { method: "POST", body: body, credentials: "same-origin", keepalive: true })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (result) { if (result && result.just_completed) { announceComplete(result); } })
      .catch(function () { /* the next report will carry the position */ });
  }

  video.addEventListener("timeupdate", function () {
    if (!video.paused && !video.seeking && Math.abs(video.currentTime - lastSent) >= REPORT_EVERY) {
      report(false);
    }
  });
  video.addEventListener("pause", function () { report(false); });
  video.addEventListener("ended", function () { report(false); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { report(true); }
  });
  window.addEventListener("pagehide", function () { report(true); });
})();
