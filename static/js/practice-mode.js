// Practice mode: steps through the session's exercises one at a time with a hold timer (each
// exercise's own hold, from data-hold) and a rep count per side, writing the counts into the
// checklist form. Without this script the checklist form is the whole page and works the same; the buttons that end the session are plain submits.
(function () {
  "use strict";
  var player = document.getElementById("practice-player");
  var list = document.getElementById("practice-checklist");
  if (!player || !list) { return; }
  var steps = Array.prototype.slice.call(list.querySelectorAll(".practice-step"));
  var names = { left: "Left side", right: "Right side", both: "Both sides together" };
  var index = 0, sideIndex = 0, timer = null;

  function inputs(step) { return step.querySelectorAll("input[data-side]"); }
  function current() { return inputs(steps[index])[sideIndex]; }

  function countdown(seconds, label) {
    var left = seconds, out = player.querySelector(".step-timer");
    clearInterval(timer);
    if (!(left > 0)) { out.textContent = ""; return; }
    out.textContent = label + ": " + left + " s";
    timer = setInterval(function () {
      left -= 1;
      out.textContent = left > 0 ? label + ": " + left + " s" : label + ": done";
      if (left <= 0) { clearInterval(timer); }
    }, 1000);
  }

  function show() {
    if (index >= steps.length) {
      player.querySelector(".step-name").textContent = "All exercises done";
      player.querySelector(".step-side").textContent = "Press Finish session to save it.";
      player.querySelector(".step-reps").textContent = "";
      player.querySelector(".step-timer").textContent = "";
      player.querySelector("[data-action=rep]").hidden = true;
      player.querySelector("[data-action=next]").hidden = true;
      return;
    }
    var step = steps[index], input = current();
    player.querySelector(".step-count").textContent = "Exercise " + (index + 1) + " of " + steps.length;
    player.querySelector(".step-name").textContent = step.dataset.exercise;
    player.querySelector(".step-side").textContent = names[input.dataset.side];
    player.querySelector(".step-reps").textContent =
      "Repetitions: " + input.value + " of " + step.dataset.reps;
  }

  player.addEventListener("click", function (event) {
    var action = event.target.dataset.action;
    if (action === "rep") {
      var input = current(), step = steps[index];
      input.value = String(parseInt(input.value || "0", 10) + 1);
      countdown(parseInt(step.dataset.hold, 10) || 0, "Hold");
      if (parseInt(input.value, 10) >= parseInt(step.dataset.reps, 10)) {
        sideIndex += 1;
        if (sideIndex >= inputs(step).length) { sideIndex = 0; index += 1; }
      }
      show();
    } else if (action === "next") {
      sideIndex = 0; index += 1; show();
    }
  });

  player.hidden = false;
  list.classList.add("practice-checklist-summary");
  show();
}());
