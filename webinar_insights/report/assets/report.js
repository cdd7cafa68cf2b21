// Draws every chart of the report with the inlined vega-embed: no network, no kernel.
// Each chart's Vega-Lite spec sits in a JSON data block (a script element of type
// application/json with data-chart="KEY": never run) and is drawn into the element "chart-KEY".
(function () {
  "use strict";
  var views = {};
  // The Vega views by chart key, for the reader's console and the browser tests.
  window.__reportViews = views;
  var options = {
    mode: "vega-lite",
    renderer: "svg",
    actions: { export: true, source: false, compiled: false, editor: false },
  };
  var pending = [];
  document.querySelectorAll('script[type="application/json"][data-chart]').forEach(function (block) {
    var key = block.getAttribute("data-chart");
    var target = document.getElementById("chart-" + key);
    var drawn;
    try {
      drawn = vegaEmbed(target, JSON.parse(block.textContent), options);
    } catch (error) {
      drawn = Promise.reject(error);
    }
    pending.push(
      drawn.then(
        function (result) {
          views[key] = result.view;
          target.setAttribute("data-rendered", "true");
        },
        function (error) {
          target.setAttribute("data-rendered", "error");
          target.textContent = "This chart could not be drawn: " + error;
          console.error(error);
        }
      )
    );
  });
  Promise.all(pending).then(function () {
    document.documentElement.setAttribute("data-charts-ready", String(pending.length));
  });
})();
