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

// Tables: a sort button in each header and a "Download CSV" button under each table. A cell
// sorts by its data-sort, else its data-value, else its text, empty ones last whichever the
// direction; the CSV holds the rows in the order shown, each cell's data-value (else its text),
// with a cell's data-id in a column of its own, under the rules of --export-data's CSV files
// (read from the report-config block): text quoted, a formula start neutralised with a "'".
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("report-config").textContent);
  var formula = new RegExp(config.csvFormula);
  var control = new RegExp(config.csvControl, "g");
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

  function value(cell) {
    return cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim();
  }

  function sortKey(cell, kind) {
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : value(cell);
    if (raw === "") return null;
    if (kind === "number" || kind === "time") {
      var number = kind === "time" ? Date.parse(raw) : Number(raw);
      return isNaN(number) ? null : number;
    }
    return raw;
  }

  function sortRows(table, index, kind, descending) {
    var body = table.tBodies[0];
    var keyed = Array.prototype.map.call(body.rows, function (row, at) {
      return { row: row, at: at, key: sortKey(row.cells[index], kind) };
    });
    keyed.sort(function (a, b) {
      if (a.key === null || b.key === null) {
        return a.key === b.key ? a.at - b.at : a.key === null ? 1 : -1;
      }
      var order = typeof a.key === "number" ? a.key - b.key : collator.compare(a.key, b.key);
      return (descending ? -order : order) || a.at - b.at;
    });
    keyed.forEach(function (item) { body.appendChild(item.row); });
  }

  function csvText(text) {
    var safe = text.replace(control, config.csvReplacement);
    if (formula.test(safe)) safe = "'" + safe;
    return '"' + safe.replace(/"/g, '""') + '"';
  }

  function csv(table) {
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var header = [];
    heads.forEach(function (th) {
      header.push(csvText(th.textContent.trim()));
      if (th.hasAttribute("data-id-header")) header.push(csvText(th.getAttribute("data-id-header")));
    });
    var lines = [header.join(",")];
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var cells = [];
      heads.forEach(function (th, index) {
        var cell = row.cells[index];
        var text = value(cell);
        var kind = th.getAttribute("data-kind");
        cells.push(text === "" ? "" : kind === "number" ? text : csvText(text));
        if (th.hasAttribute("data-id-header")) {
          var id = cell.getAttribute("data-id") || "";
          cells.push(id === "" ? "" : csvText(id));
        }
      });
      lines.push(cells.join(","));
    });
    return lines.join("\n") + "\n";
  }

  function download(table) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([csv(table)], { type: "text/csv;charset=utf-8" }));
    link.download = table.getAttribute("data-table") + ".csv";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
  }

  document.querySelectorAll("table[data-table]").forEach(function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, index) {
      var kind = th.getAttribute("data-kind") || "text";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      button.title = "Sort by this column";
      th.appendChild(button);
      button.addEventListener("click", function () {
        // First click: numbers largest first, text and times from the start; then it flips.
        var current = th.getAttribute("aria-sort");
        var descending = current ? current === "ascending" : kind === "number";
        Array.prototype.forEach.call(heads, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        sortRows(table, index, kind, descending);
      });
    });
    var tools = document.createElement("div");
    tools.className = "table-tools";
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = "Download CSV";
    button.setAttribute("data-download", table.getAttribute("data-table"));
    button.addEventListener("click", function () { download(table); });
    tools.appendChild(button);
    var box = table.closest(".table-scroll") || table;
    box.parentNode.insertBefore(tools, box.nextSibling);
  });
  window.__reportTableCsv = csv;  // for the reader's console and the browser tests
})();
