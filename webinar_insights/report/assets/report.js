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
  // On a narrow screen (a phone) a chart is laid out again instead of being shrunk to
  // unreadable text: panels side by side are stacked, views no wider than the screen, long
  // title lines wrapped, legends above the plot. Wider screens get the spec as written.
  var NARROW = 600;
  var AXIS_ROOM = 70; // the y axis' labels and title beside a view
  var LABEL_LIMIT = 130; // pixels of an axis label before it is cut with "…"

  function wrapLines(lines, characters) {
    var wrapped = [];
    [].concat(lines).forEach(function (line) {
      var current = "";
      String(line).split(" ").forEach(function (word) {
        if (current && (current + " " + word).length > characters) {
          wrapped.push(current);
          current = word;
        } else {
          current = current ? current + " " + word : word;
        }
      });
      wrapped.push(current);
    });
    return wrapped;
  }

  // ``node`` laid out for ``room`` pixels: text wrapped to it, views ``viewWidth`` wide at most.
  function narrowed(node, room, viewWidth, nested) {
    if (!node || typeof node !== "object") return node;
    if (node.hconcat) {
      node.vconcat = node.hconcat;
      delete node.hconcat;
    }
    if (node.concat) {
      node.vconcat = node.concat;
      delete node.concat;
      delete node.columns;
    }
    if (typeof node.width === "number" && node.width > viewWidth) {
      node.width = viewWidth;
    } else if (node.width && typeof node.width.step === "number") {
      var step = Math.floor((node.width.step * viewWidth) / 600);
      node.width = { step: Math.max(10, Math.min(node.width.step, step)) };
    }
    // The chart's own title spans the screen; a panel's title starts beside its y axis.
    var titleRoom = nested ? viewWidth : room;
    var title = node.title;
    if (typeof title === "string" || Array.isArray(title)) {
      node.title = wrapLines(title, Math.floor(titleRoom / 9));
    } else if (title && typeof title === "object") {
      if (title.text) title.text = wrapLines(title.text, Math.floor(titleRoom / 10));
      if (title.subtitle) title.subtitle = wrapLines(title.subtitle, Math.floor(titleRoom / 7));
    }
    // Axis and legend titles wrap; long category labels (webinar titles) are cut shorter.
    Object.keys(node.encoding || {}).forEach(function (channel) {
      var field = node.encoding[channel];
      if (!field || typeof field !== "object") return;
      var fits = Math.floor(viewWidth / 7); // an axis title sits under (or beside) its view
      if (typeof field.title === "string") field.title = wrapLines(field.title, fits);
      ["axis", "legend"].forEach(function (guide) {
        var part = field[guide];
        if (!part || typeof part !== "object") return;
        if (typeof part.title === "string") part.title = wrapLines(part.title, fits);
        if (guide !== "axis") return;
        if (!(part.labelLimit <= LABEL_LIMIT)) part.labelLimit = LABEL_LIMIT;
        if (part.labelOverlap) part.labelOverlap = "greedy";
      });
    });
    ["vconcat", "layer"].forEach(function (key) {
      (node[key] || []).forEach(function (child) { narrowed(child, room, viewWidth, true); });
    });
    if (node.spec) narrowed(node.spec, room, viewWidth, true);
    return node;
  }

  var MIN_VIEW = 120;

  // Draws the spec: as written on a wide screen; on a narrow one laid out again, drawn,
  // measured, and drawn again with narrower views while it sticks out (axis labels, legends
  // and text marks take room no spec states), at most twice.
  function draw(target, text) {
    var room = target.clientWidth;
    if (!(room > 0) || room >= NARROW) return vegaEmbed(target, JSON.parse(text), options);
    target.classList.add("narrow");
    function attempt(viewWidth, tries) {
      var spec = narrowed(JSON.parse(text), room, viewWidth);
      spec.config = spec.config || {};
      spec.config.legend = Object.assign({}, spec.config.legend, { orient: "top", direction: "vertical" });
      spec.config.axis = Object.assign({}, spec.config.axis, { labelLimit: LABEL_LIMIT });
      return vegaEmbed(target, spec, options).then(function (result) {
        var svg = target.querySelector("svg");
        var over = (svg ? Number(svg.getAttribute("width")) : 0) - room;
        if (!(over > 0) || tries === 0 || viewWidth <= MIN_VIEW) return result;
        result.finalize();
        return attempt(Math.max(MIN_VIEW, viewWidth - over), tries - 1);
      });
    }
    return attempt(room - AXIS_ROOM, 2);
  }

  // Draws chart ``key`` from its spec text into its element and keeps its view.
  function show(key, text) {
    var target = document.getElementById("chart-" + key);
    var drawn;
    try {
      drawn = draw(target, text);
    } catch (error) {
      drawn = Promise.reject(error);
    }
    return drawn.then(
      function (result) {
        views[key] = result.view;
        result.view.addEventListener("click", openFromChart);
        result.view.addEventListener("mousemove", function (event, item) {
          result.view.container().style.cursor = sessionOf(item) ? "pointer" : "";
        });
        target.setAttribute("data-rendered", "true");
      },
      function (error) {
        target.setAttribute("data-rendered", "error");
        target.textContent = "This chart could not be drawn: " + error;
        console.error(error);
      }
    );
  }

  var pending = [];
  document.querySelectorAll('script[type="application/json"][data-chart]').forEach(function (block) {
    pending.push(show(block.getAttribute("data-chart"), block.textContent));
  });
  // The filter bar draws a chart again from a spec with its data recomputed.
  window.__reportRedraw = function (key, spec) {
    if (views[key]) views[key].finalize();
    delete views[key];
    document.getElementById("chart-" + key).setAttribute("data-rendered", "pending");
    return show(key, JSON.stringify(spec));
  };
  Promise.all(pending).then(function () {
    document.documentElement.setAttribute("data-charts-ready", String(pending.length));
  });

  // Session pages: "#session-<id>" shows the page of that session in place of the overview
  // (built from the session-pages block: its values and the chart templates they fill);
  // "Back" returns to the overview where it was left. A click on a session in a chart (a dot
  // of the timeline or of the attendance rates) or on its title in a table opens its page.
  var pagesBlock = document.getElementById("session-pages");
  var pages = pagesBlock ? JSON.parse(pagesBlock.textContent) : { templates: {}, sessions: {} };
  var pageBox = document.getElementById("session-page");
  var overview = [document.getElementById("report-header"), document.querySelector("main")];
  var overviewScroll = 0;
  var openedFromOverview = false;
  var pageResults = [];

  function pageAddress(id) {
    return "#session-" + encodeURIComponent(id);
  }

  // The session a chart's mark stands for, when it has a page.
  function sessionOf(item) {
    var id = item && item.datum && item.datum.session_id;
    return id && Object.prototype.hasOwnProperty.call(pages.sessions, id) ? id : null;
  }

  function openFromChart(event, item) {
    var id = sessionOf(item);
    if (id) location.hash = pageAddress(id);
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text; // text only: nothing from data is parsed
    return node;
  }

  // A session's compact values as the rows each chart template reads.
  var shapes = {
    schedule: function (page) { return page.schedule.length ? page.schedule : null; },
    retention: function (page) {
      return page.retention && page.retention.map(function (share, minute) {
        return { minute: minute, share: share };
      });
    },
    joins: function (page) {
      return page.joins && page.joins.map(function (count, index) {
        var minute = pages.joinsFrom + index;
        return { minute: minute, end: minute + 1, attendees: count };
      });
    },
    registrations: function (page) {
      if (!page.registrations) return null;
      var soFar = 0;
      var rows = [];
      for (var day = page.registrations.length - 1; day >= 0; day--) {
        soFar += page.registrations[day];
        rows.push({ day: day, that_day: page.registrations[day], so_far: soFar });
      }
      return rows;
    },
    channels: function (page) {
      return page.channels && page.channels.map(function (row) {
        return { channel: row[0], registrants: row[1], joined: row[2], rate: row[1] ? row[2] / row[1] : null };
      });
    },
  };

  function closePage() {
    pageResults.forEach(function (result) { result.finalize(); });
    pageResults = [];
    pageBox.hidden = true;
    pageBox.textContent = "";
    document.documentElement.removeAttribute("data-session-page");
    if (overview[1].hidden) {
      overview.forEach(function (part) { part.hidden = false; });
      window.scrollTo(0, overviewScroll);
    }
  }

  function openPage(id, page) {
    if (!overview[1].hidden) overviewScroll = window.scrollY;
    closePage();
    overview.forEach(function (part) { part.hidden = true; });
    pageBox.hidden = false;
    var back = element("button", "back", "\u2190 Back to the overview");
    back.type = "button";
    back.addEventListener("click", function () {
      if (openedFromOverview) history.back();
      else location.hash = "overview";
    });
    pageBox.appendChild(back);
    var heading = element("h1", "", page.title === page.webinar ? page.title : page.webinar + " \u00b7 " + page.title);
    heading.id = "session-page-title";
    pageBox.appendChild(heading);
    pageBox.appendChild(
      element("p", "meta", "Session " + id + " of webinar " + page.webinar_id + " \u00b7 host " + page.host)
    );
    var facts = element("dl", "facts");
    page.facts.forEach(function (fact) {
      var item = element("div");
      item.appendChild(element("dt", "", fact[0]));
      item.appendChild(element("dd", "", fact[1]));
      facts.appendChild(item);
    });
    pageBox.appendChild(facts);
    page.notes.forEach(function (note) { pageBox.appendChild(element("p", "notice", note)); });
    var drawing = [];
    Object.keys(pages.templates).forEach(function (name) {
      var values = shapes[name](page);
      if (!values || !values.length) return;
      var spec = JSON.parse(JSON.stringify(pages.templates[name]));
      spec.datasets = {};
      spec.datasets[name] = values;
      var figure = element("figure", "chart");
      var body = element("div", "chart-body");
      body.id = "session-chart-" + name;
      figure.appendChild(body);
      pageBox.appendChild(figure);
      drawing.push(
        draw(body, JSON.stringify(spec)).then(function (result) {
          pageResults.push(result);
          body.setAttribute("data-rendered", "true");
        })
      );
    });
    window.scrollTo(0, 0);
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
    Promise.all(drawing).then(function () {
      document.documentElement.setAttribute("data-session-page", id);
    }, function (error) {
      console.error(error);
    });
  }

  var lastHash = location.hash;
  function route() {
    var match = /^#session-(.+)$/.exec(location.hash);
    var id = null;
    if (match) {
      try { id = decodeURIComponent(match[1]); } catch (error) { id = null; }
    }
    var page = id !== null && Object.prototype.hasOwnProperty.call(pages.sessions, id) ? pages.sessions[id] : null;
    if (page) {
      openedFromOverview = !/^#session-/.test(lastHash) && !overview[1].hidden;
      openPage(id, page);
    } else if (!pageBox.hidden) {
      closePage();
    }
    lastHash = location.hash;
  }
  window.addEventListener("hashchange", route);
  route();
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
