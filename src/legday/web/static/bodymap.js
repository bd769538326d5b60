// Muscle values by tapping, not only by hovering: a tap (or Enter on a focused muscle) writes
// the muscle's own tooltip under its body map. Text goes in with textContent only.
(function () {
  "use strict";
  function show(muscle) {
    var title = muscle.querySelector("title");
    var figure = muscle.closest("figure") || muscle.closest("svg").parentNode;
    if (!title || !figure) return;
    var out = figure.parentNode.querySelector(".tapped");
    if (!out) {
      out = document.createElement("p");
      out.className = "tapped";
      out.setAttribute("role", "status");
      figure.parentNode.insertBefore(out, figure.nextSibling);
    }
    out.textContent = title.textContent;
    var marked = figure.querySelectorAll(".muscle.picked");
    for (var i = 0; i < marked.length; i++) marked[i].classList.remove("picked");
    muscle.classList.add("picked");
  }
  document.addEventListener("click", function (event) {
    var muscle = event.target.closest && event.target.closest("svg.bodymap .muscle");
    if (muscle) show(muscle);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" && event.key !== " ") return;
    var muscle = event.target.closest && event.target.closest("svg.bodymap .muscle");
    if (muscle) {
      event.preventDefault();
      show(muscle);
    }
  });
})();
