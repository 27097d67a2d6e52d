(function () {
  "use strict";
  // Where scripts run, each chart's interactive page (charts/NAME.html) loads in a hidden
  // frame; when that page has drawn its chart it says so, with the height it needs, and
  // only then does the frame replace the picture. A page copied without its charts
  // folder, or a chart that fails to draw, keeps its picture.
  var frames = [];
  var figures = document.querySelectorAll("figure.chart[data-interactive]");
  Array.prototype.forEach.call(figures, function (figure) {
    var frame = document.createElement("iframe");
    var narrow = figure.clientWidth < 600;
    frame.src = figure.getAttribute("data-interactive");
    frame.title = figure.getAttribute("data-title");
    frame.height = figure.getAttribute(narrow ? "data-tall" : "data-height");
    frame.className = "chart-frame pending";
    figure.insertBefore(frame, figure.firstChild);
    frames.push(frame);
  });
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.adoptionChart !== true || typeof data.height !== "number") { return; }
    frames.forEach(function (frame) {
      if (frame.contentWindow !== event.source) { return; }
      var needed = Math.min(Math.ceil(data.height), 2000);
      if (needed > Number(frame.height)) { frame.height = String(needed); }
      if (frame.className.indexOf("pending") >= 0) {
        frame.className = "chart-frame";
        frame.parentNode.className += " interactive";
      }
    });
  });
})();
