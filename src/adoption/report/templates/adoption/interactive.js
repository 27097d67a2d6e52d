(function () {
  "use strict";
  // Where scripts run, each chart becomes its interactive page (charts/NAME.html) in a
  // frame; where they do not, the picture stays. A narrow column starts with a taller
  // frame, and a chart that says it needs more height (its page posts it) gets it.
  var frames = [];
  var figures = document.querySelectorAll("figure.chart[data-interactive]");
  Array.prototype.forEach.call(figures, function (figure) {
    var frame = document.createElement("iframe");
    var narrow = figure.clientWidth < 600;
    frame.src = figure.getAttribute("data-interactive");
    frame.title = figure.getAttribute("data-title");
    frame.setAttribute("loading", "lazy");
    frame.height = figure.getAttribute(narrow ? "data-tall" : "data-height");
    frame.className = "chart-frame";
    figure.insertBefore(frame, figure.firstChild);
    figure.className += " interactive";
    frames.push(frame);
  });
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.adoptionChart !== true || typeof data.height !== "number") { return; }
    frames.forEach(function (frame) {
      if (frame.contentWindow === event.source && data.height > frame.clientHeight) {
        frame.height = String(Math.min(Math.ceil(data.height), 2000));
      }
    });
  });
})();
