// The filter bar: a period, a webinar title, a host and statuses recompute the key figures
// (with their change against the period before), the summary and the tables in the page,
// without a kernel. It reads the filter-data block: one compact row per session of the range
// and of the previous period (gzip-compressed JSON in base64, inflated by the browser's own
// DecompressionStream), the values metrics.kpis reads, strings by their index in a list.
// The rules are those of the Python side (metrics.kpis, report._format, report._figures,
// report._tables); the browser tests hold the two to the same text.
(function () {
  "use strict";
  var block = document.getElementById("filter-data");
  var bar = document.getElementById("filter-bar");
  if (!block || !bar || typeof DecompressionStream === "undefined") return;

  var FINISHED = 2;
  var PEOPLE = { people_reached: true, repeat_attendee_share: true };
  var NOT_UNDER_FILTER =
    "not recomputed under a filter (it counts different people, which the file holds per session only as counts)";
  var data, C, rowCount, statusBoxes;
  var fromBox = document.getElementById("filter-from");
  var toBox = document.getElementById("filter-to");
  var webinarBox = document.getElementById("filter-webinar");
  var hostBox = document.getElementById("filter-host");
  var stateLine = document.getElementById("filter-state");

  function inflate(text) {
    var binary = atob(text.trim());
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }

  // ---- Values as the Python side writes them -------------------------------------------
  // ``x`` with ``digits`` decimals as Python's format and round() write it: an exact tie goes
  // to the even digit (toFixed takes it away from zero: 51.25 is "51.2", not "51.3").
  function fixed(x, digits) {
    var shown = x.toFixed(digits);
    var exact = Math.abs(x).toFixed(Math.min(100, digits + 25));
    var point = exact.indexOf(".");
    var kept = digits ? exact.slice(0, point + 1 + digits) : exact.slice(0, point);
    var rest = exact.slice(point + 1 + digits);
    if (!/^50*$/.test(rest) || Number(kept.charAt(kept.length - 1)) % 2 === 1) return shown;
    return (x < 0 ? "-" : "") + kept;
  }
  function grouped(value) {
    return Math.trunc(value).toLocaleString("en-US");
  }
  function signed(text) {
    return text.charAt(0) === "-" ? text : "+" + text;
  }
  var FORMAT = {
    count: function (v) { return v === null ? "–" : grouped(v); },
    share: function (v) { return v === null ? "–" : fixed(v * 100, 1) + "%"; },
    minutes: function (v) { return v === null ? "–" : fixed(v, 1) + " min"; },
  };
  var whole = FORMAT.count;
  var percent = FORMAT.share;
  // Snapped to six decimals first, as Python's minutes() does: a mean summed in another order
  // differs in its last binary digit, which can tip a tie such as 96.55 either way.
  function minutes(v) { return v === null ? "–" : fixed(embedded(v), 1); }
  // A float as Python's repr writes it (the tables' data-value): 1.0, not 1.
  function floatText(v) {
    return v === null ? "" : Number.isInteger(v) ? v.toFixed(1) : String(v);
  }

  var partsOf;
  function localParts(ms) {
    var parts = {};
    partsOf.formatToParts(new Date(ms)).forEach(function (p) { parts[p.type] = p.value; });
    return parts;
  }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  // Minutes the zone is ahead of UTC, from the local parts of the whole minute ``ms``.
  function offsetOf(p, ms) {
    return Math.round((Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute) - ms) / 60000);
  }
  // A session's minute as the tables show it ("2026-05-03 14:00") and as its cell's value
  // (ISO 8601 with the zone's offset then).
  function localTime(minute) {
    var ms = (data.originUtc + minute) * 60000;
    var p = localParts(ms);
    var shown = p.year + "-" + p.month + "-" + p.day + " " + p.hour + ":" + p.minute;
    var offset = offsetOf(p, ms);
    var sign = offset < 0 ? "-" : "+";
    var abs = Math.abs(offset);
    var iso = p.year + "-" + p.month + "-" + p.day + "T" + p.hour + ":" + p.minute + sign +
      two(Math.floor(abs / 60)) + ":" + two(abs % 60);
    return { text: shown, iso: iso };
  }
  function dayText(day) {
    var o = data.origin.split("-");
    return new Date(Date.UTC(+o[0], +o[1] - 1, +o[2] + day)).toISOString().slice(0, 10);
  }
  function dayOf(text) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
    var o = data.origin.split("-");
    var t = text.split("-");
    return Math.round((Date.UTC(+t[0], +t[1] - 1, +t[2]) - Date.UTC(+o[0], +o[1] - 1, +o[2])) / 86400000);
  }

  // ---- Key figures (metrics.kpis and metrics.kpi_bases) ---------------------------------
  function quantile(sorted, q) {
    var n = sorted.length;
    if (!n) return null;
    var at = (n - 1) * q;
    var lo = Math.floor(at);
    var hi = Math.ceil(at);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
  }
  function ratio(a, b) { return b > 0 ? a / b : null; }
  // Seconds as minutes, computed as polars' dt.total_minutes(fractional=True) does.
  function asMinutes(seconds) { return Math.round(seconds * 1e6) * (1 / 60000000); }

  // metrics.reach of the selected sessions, from the file's attendee keys (null where the
  // report cannot count people: no participants synced for these sessions).
  function reachOf(rows, known) {
    var R = data.reach;
    if (!R || !known) return null;
    var at = atRows(R);
    var sessions = new Map(), unidentified = 0, pairs = 0, attended = false;
    rows.forEach(function (r) {
      if (C.attendees[r] > 0) attended = true;
      (at.get(r) || []).forEach(function (i) {
        var person = R.person[i];
        pairs++;
        if (person < 0) unidentified++;
        else sessions.set(person, (sessions.get(person) || 0) + 1);
      });
    });
    if (!pairs && attended) return null;  // their participants were not synced
    var repeat = 0;
    sessions.forEach(function (n) { if (n >= 2) repeat++; });
    var reached = sessions.size + unidentified;
    return { reached: reached, repeat: repeat };
  }

  function keyFigures(rows, known) {
    var s = {
      finished: 0, registrants: 0, registrantsKnown: false, attendees: 0, attendeesKnown: false,
      ratedAttendees: 0, ratedRegistrants: 0, noShows: 0, listed: 0, late: 0, started: 0,
      durations: 0, durationCount: 0, ranOver: 0, overrunKnown: 0,
    };
    var delays = new Float64Array(rows.length);
    var delayCount = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var registrants = C.registrants[r];
      var attendees = C.attendees[r];
      if (C.status[r] === FINISHED) s.finished++;
      if (registrants !== null) { s.registrants += registrants; s.registrantsKnown = true; }
      if (attendees !== null) { s.attendees += attendees; s.attendeesKnown = true; }
      if (C.rated[r]) { s.ratedAttendees += attendees; s.ratedRegistrants += registrants; }
      if (C.no_shows[r] !== null) { s.noShows += C.no_shows[r]; s.listed += registrants; }
      if (C.delay[r] !== null) delays[delayCount++] = asMinutes(C.delay[r]);
      if (C.late[r] !== null) { s.started++; s.late += C.late[r]; }
      if (C.duration[r] !== null) { s.durations += asMinutes(C.duration[r]); s.durationCount++; }
      if (C.overran[r] !== null) { s.overrunKnown++; s.ranOver += C.overran[r]; }
    }
    var sorted = delays.subarray(0, delayCount).sort();
    var median = quantile(sorted, 0.5);
    var p90 = quantile(sorted, 0.9);
    var people = reachOf(rows, known);
    var values = {
      sessions: rows.length,
      finished_sessions: s.finished,
      registrants: s.registrantsKnown ? s.registrants : null,
      unique_attendees: s.attendeesKnown ? s.attendees : null,
      people_reached: people ? people.reached : null,
      repeat_attendee_share: people && people.reached ? people.repeat / people.reached : null,
      attendance_rate: ratio(s.ratedAttendees, s.ratedRegistrants),
      median_start_delay_min: median,
      p90_start_delay_min: p90,
      late_start_share: ratio(s.late, s.started),
      mean_actual_duration_min: s.durationCount ? s.durations / s.durationCount : null,
      overrun_share: ratio(s.ranOver, s.overrunKnown),
      no_show_rate: ratio(s.noShows, s.listed),
    };
    var bases = {
      attendance_rate: [s.ratedAttendees, s.ratedRegistrants],
      no_show_rate: [s.noShows, s.listed],
      late_start_share: [s.late, s.started],
      overrun_share: [s.ranOver, s.overrunKnown],
      repeat_attendee_share: people ? [people.repeat, people.reached] : [null, null],
    };
    return { values: values, bases: bases };
  }

  // report._format.change_text
  function changeText(kpi, current, previous, previousSessions, withheld) {
    if (withheld) return ["no comparison: " + withheld, "withheld"];
    if (!previousSessions) return ["no previous data", "none"];
    var format = FORMAT[kpi.unit];
    if (current === null || previous === null) return ["previous: " + format(previous), "none"];
    var delta = current - previous;
    var step, shown;
    if (kpi.unit === "count") {
      step = Math.round(delta) + 0;
      shown = signed((step < 0 ? "-" : "") + grouped(Math.abs(step))) +
        (previous ? " (" + signed(fixed((delta / previous) * 100, 0)) + "%)" : "");
    } else if (kpi.unit === "share") {
      step = Number(fixed(delta * 100, 1)) + 0;
      shown = signed(fixed(step, 1)) + " pp";
    } else {
      step = Number(fixed(delta, 1)) + 0;
      shown = signed(fixed(step, 1)) + " min";
    }
    var mood = "flat";
    if (step !== 0 && kpi.better !== "neither") {
      mood = (step > 0) === (kpi.better === "higher") ? "better" : "worse";
    }
    return [shown + " vs previous (" + format(previous) + ")", mood];
  }

  function basisText(kpi, pair) {
    if (!kpi.basis || pair[0] === null || pair[0] === undefined || !pair[1]) return "";
    return kpi.basis.replace("{numerator:,}", grouped(pair[0])).replace("{denominator:,}", grouped(pair[1]));
  }

  // report._figures.key_figures, for the selected rows and those of the period before.
  function figureRows(current, previous, filtered) {
    var now = keyFigures(current, data.reach && data.reach.current);
    var before = keyFigures(previous, data.reach && data.reach.previous);
    var recounted = Boolean(data.reach);  // false: too many attendees to carry in the file
    return data.kpis.map(function (kpi) {
      var withheld = data.withheld[kpi.key] ||
        (filtered && PEOPLE[kpi.key] && !recounted ? NOT_UNDER_FILTER : null);
      var value = filtered || !PEOPLE[kpi.key] ? now.values[kpi.key] : original[kpi.key].value;
      var previousValue = before.values[kpi.key];
      var pair = now.bases[kpi.key] || [null, null];
      if (!filtered && PEOPLE[kpi.key]) {
        pair = original[kpi.key].pair;
        previousValue = original[kpi.key].previous;
      }
      var change = changeText(kpi, value, previousValue, previous.length, withheld);
      return {
        key: kpi.key, label: kpi.label, unit: kpi.unit, value: value,
        text: FORMAT[kpi.unit](value), change: change[0], mood: change[1],
        basis: basisText(kpi, pair), previous: previousValue, pair: pair,
      };
    });
  }

  // ---- The page -------------------------------------------------------------------------
  var original = {};  // the people figures as built: shown again whenever no filter is set

  function cardOf(key) { return document.getElementById("kpi-" + key.replace(/_/g, "-")); }

  function showCards(figures) {
    figures.forEach(function (figure) {
      var card = cardOf(figure.key);
      if (!card) return;
      card.querySelector(".kpi-value").textContent = figure.text;
      var basis = card.querySelector(".kpi-basis");
      if (figure.basis) {
        if (!basis) {
          basis = document.createElement("div");
          basis.className = "kpi-basis";
          card.insertBefore(basis, card.querySelector(".kpi-change"));
        }
        basis.textContent = figure.basis;
      } else if (basis) {
        basis.remove();
      }
      var change = card.querySelector(".kpi-change");
      change.className = "kpi-change " + figure.mood;
      change.title = figure.change;
      change.textContent = figure.mood === "withheld" ? "no comparison" : figure.change;
    });
  }

  // report._figures.withheld_note
  function withheldNote(figures) {
    var reasons = {};
    var order = [];
    figures.forEach(function (f) {
      if (f.mood !== "withheld") return;
      var reason = f.change.replace(/^no comparison: /, "");
      if (!reasons[reason]) { reasons[reason] = []; order.push(reason); }
      reasons[reason].push(f.label);
    });
    return order.map(function (reason) {
      var labels = reasons[reason];
      return labels.length < figures.length
        ? "No comparison with the previous period for " + labels.join(", ") + ": " + reason + "."
        : "No comparison with the previous period: " + reason + ".";
    }).join(" ");
  }

  function setNote(id, text, after) {
    var node = document.getElementById(id);
    if (!text) { if (node) node.remove(); return; }
    if (!node) {
      node = document.createElement("p");
      node.className = "subtle";
      node.id = id;
      after.parentNode.insertBefore(node, after.nextSibling);
    }
    node.textContent = text;
  }

  // report._figures.rates_note
  function ratesNote(figures, rows) {
    var by = {};
    figures.forEach(function (f) { by[f.key] = f; });
    var attended = by.attendance_rate.pair[0], registered = by.attendance_rate.pair[1];
    var noShows = by.no_show_rate.pair[0], listed = by.no_show_rate.pair[1];
    if ([attended, registered, noShows, listed].indexOf(null) >= 0 || !listed || registered !== listed) return "";
    var joined = listed - noShows;
    var pct = function (x) { return fixed(x * 100, 1) + "%"; };
    var line = "Of " + grouped(listed) + " registrants of the Finished sessions, " + grouped(joined) +
      " joined (" + pct(joined / listed) + ") and " + grouped(noShows) + " did not (the no-show rate, " +
      pct(noShows / listed) + "): these add up to 100%.";
    var walkIns = attended - joined;
    if (walkIns > 0) {
      line += " The attendance rate (" + pct(attended / listed) + ") counts the sessions' attendees, " +
        grouped(attended) + ", which include " + grouped(walkIns) + " who joined without a registration of" +
        " that session (walk-ins), so it and the no-show rate can add up to more than 100%.";
    } else if (walkIns < 0) {
      line += " The attendance rate (" + pct(attended / listed) + ") counts the sessions' attendees as" +
        " the API reports them, " + grouped(attended) + ": fewer than the registrants who joined, as" +
        " registrants who joined only as panelists or hosts are not attendees.";
    }
    var total = by.unique_attendees.value;
    if (total === null || total === attended) return line;
    var groups = [[true, 0, 0], [false, 0, 0]];
    rows.forEach(function (r) {
      if (C.rated[r] || !(C.attendees[r] > 0)) return;
      var g = groups[C.status[r] === FINISHED ? 0 : 1];
      g[1]++;
      g[2] += C.attendees[r];
    });
    var parts = [];
    groups.forEach(function (g) {
      if (!g[1]) return;
      var noun = g[1] === 1 ? "session" : "sessions";
      var where = g[0] ? "Finished " + noun + " without registrants" : "live " + noun;
      parts.push(grouped(g[2]) + " in " + grouped(g[1]) + " " + where);
    });
    if (!parts.length) return line;
    return line + " The Attendees figure (" + grouped(total) + ") also counts " + parts.join(" and ") +
      ", which have no attendance rate.";
  }

  // report._figures.plain_summary
  function summary(figures, flagged) {
    var by = {};
    figures.forEach(function (f) { by[f.key] = f; });
    function change(key) {
      var f = by[key];
      if (f.mood === "withheld" || f.mood === "none" || f.previous === null) return "";
      var delta = (f.value || 0) - f.previous;
      if (f.unit === "share") {
        var points = Number(fixed(delta * 100, 1));
        if (points === 0) return ", as in the previous period";
        return ", " + fixed(Math.abs(points), 1) + " points " + (points > 0 ? "higher" : "lower") +
          " than in the previous period";
      }
      if (f.unit === "count" && f.previous) {
        var share = delta / f.previous;
        if (Number(fixed(share * 100, 0)) === 0) return ", as many as in the previous period";
        return ", " + fixed(Math.abs(share) * 100, 0) + "% " + (share > 0 ? "more" : "fewer") +
          " than in the previous period";
      }
      return "";
    }
    var sentences = [
      by.sessions.text + " sessions" + change("sessions") + "; " + by.finished_sessions.text + " of them finished.",
    ];
    if (by.registrants.value !== null) {
      var people = by.registrants.text + " registrants and " + by.unique_attendees.text + " attendees";
      if (by.people_reached.value !== null) {
        people += " (counted per session: " + by.people_reached.text + " different people, of whom " +
          by.repeat_attendee_share.text + " came to more than one session)";
      }
      sentences.push(people + ".");
    }
    if (by.attendance_rate.value !== null) {
      sentences.push("Attendance rate " + by.attendance_rate.text + change("attendance_rate") + ".");
    }
    if (by.late_start_share.value !== null) {
      sentences.push(by.late_start_share.text + " of the started sessions went live late" +
        change("late_start_share") + "; the median start delay was " + by.median_start_delay_min.text + ".");
    }
    if (flagged.length) {
      var A = data.anomalies;
      var high = 0;
      var counts = {};
      flagged.forEach(function (a) {
        if (A.severities[A.severity[a]] === "high") high++;
        var kind = A.kinds[A.kind[a]];
        counts[kind] = (counts[kind] || 0) + 1;
      });
      var common = Object.keys(counts).sort(function (a, b) {
        return counts[b] - counts[a] || (a < b ? -1 : a > b ? 1 : 0);
      })[0];
      sentences.push(grouped(flagged.length) + " anomalies flagged (" + grouped(high) + " high), most often " +
        common.replace(/_/g, " ") + " (" + grouped(counts[common]) + ").");
    }
    return sentences.join(" ");
  }

  // ---- Tables ---------------------------------------------------------------------------
  var paged = {};

  function cell(row, className) {
    var td = document.createElement("td");
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }
  function titledCell(row, title, id, withPage) {
    var td = cell(row);
    td.setAttribute("data-value", title || "");
    td.setAttribute("data-id", id === null ? "" : id);
    var shown = document.createTextNode(title || "(untitled)");
    if (withPage && paged[id]) {
      var link = document.createElement("a");
      link.className = "session-link";
      link.href = "#session-" + encodeURIComponent(id);
      link.appendChild(shown);
      td.appendChild(link);
    } else {
      td.appendChild(shown);
    }
    var span = document.createElement("span");
    span.className = "id";
    span.textContent = id === null ? "" : id;
    td.appendChild(span);
  }
  function wordsCell(row, value) {
    var td = cell(row);
    td.setAttribute("data-value", value === null ? "" : value);
    td.textContent = value === null ? "–" : value;
  }
  function numberCell(row, value, show, isFloat) {
    var td = cell(row, "num");
    td.setAttribute("data-value", value === null ? "" : isFloat ? floatText(value) : String(value));
    td.textContent = show(value);
  }
  function momentCell(row, minute) {
    var td = cell(row);
    if (minute === null) { td.setAttribute("data-value", ""); td.textContent = "–"; return; }
    var local = localTime(minute);
    td.setAttribute("data-value", local.iso);
    td.textContent = local.text;
  }
  function fillTable(id, caption, rows, write) {
    var table = document.getElementById(id);
    if (!table) return;
    var body = table.tBodies[0];
    var fresh = document.createElement("tbody");
    rows.forEach(function (item) {
      var tr = document.createElement("tr");
      write(tr, item);
      fresh.appendChild(tr);
    });
    table.replaceChild(fresh, body);
    table.caption.textContent = caption;
    var box = table.closest(".table-scroll");
    if (box) box.setAttribute("aria-label", caption);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) { th.removeAttribute("aria-sort"); });
  }
  function webinarOf(r) { return data.webinars[C.webinar[r]]; }
  function rateOf(r) { return C.rated[r] ? C.attendees[r] / C.registrants[r] : null; }
  function delayMinutes(r) { return C.delay[r] === null ? null : asMinutes(C.delay[r]); }
  function durationMinutes(r) { return C.duration[r] === null ? null : asMinutes(C.duration[r]); }
  function compare(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  function sessionRow(tr, r) {
    titledCell(tr, data.titles[C.title[r]], C.id[r], true);
    var webinar = webinarOf(r);
    titledCell(tr, webinar[1], webinar[0], false);
    wordsCell(tr, data.hosts[C.host[r]]);
    momentCell(tr, C.minute[r]);
    numberCell(tr, C.registrants[r], whole, false);
    numberCell(tr, C.attendees[r], whole, false);
    numberCell(tr, rateOf(r), percent, true);
    numberCell(tr, delayMinutes(r), minutes, true);
    numberCell(tr, durationMinutes(r), minutes, true);
  }

  // report._tables.ranked_sessions
  function showRanked(rows) {
    var rated = rows.filter(function (r) { return C.rated[r] && C.registrants[r] >= data.minRegistrants; });
    rated.sort(function (a, b) {
      return rateOf(b) - rateOf(a) || C.registrants[b] - C.registrants[a] || compare(C.id[a], C.id[b]);
    });
    var best = Math.min(data.top, Math.floor((rated.length + 1) / 2));
    var worst = Math.min(data.top, rated.length - best);
    var highest = rated.slice(0, best);
    var lowest = rated.slice(rated.length - worst).reverse();
    [["table-top-sessions", highest], ["table-bottom-sessions", lowest]].forEach(function (pair) {
      var caption = pair[1].length ? grouped(pair[1].length) + " sessions." : "No session qualifies.";
      fillTable(pair[0], caption, pair[1], sessionRow);
    });
  }

  // metrics.webinar_summary, sorted and cut as the report's webinars table.
  function showWebinars(rows) {
    var groups = new Map();
    rows.forEach(function (r) {
      var key = C.webinar[r];
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(r);
    });
    var summaries = [];
    groups.forEach(function (members, key) {
      var f = keyFigures(members).values;
      summaries.push({ webinar: data.webinars[key], f: f });
    });
    summaries.sort(function (a, b) {
      var ra = a.f.registrants, rb = b.f.registrants;
      return b.f.sessions - a.f.sessions ||
        (ra === rb ? 0 : ra === null ? 1 : rb === null ? -1 : rb - ra) ||
        compare(a.webinar[0], b.webinar[0]);
    });
    var limit = data.webinarRows;
    var caption = summaries.length > limit
      ? "The " + limit + " webinars with the most sessions of " + grouped(summaries.length) +
        "; --export-data writes all of them (webinars.csv)."
      : "All " + grouped(summaries.length) + " webinars, most sessions first.";
    fillTable("table-webinars", caption, summaries.slice(0, limit), function (tr, s) {
      titledCell(tr, s.webinar[1], s.webinar[0], false);
      numberCell(tr, s.f.sessions, whole, false);
      numberCell(tr, s.f.finished_sessions, whole, false);
      numberCell(tr, s.f.registrants, whole, false);
      numberCell(tr, s.f.unique_attendees, whole, false);
      numberCell(tr, s.f.attendance_rate, percent, true);
      numberCell(tr, s.f.median_start_delay_min, minutes, true);
      numberCell(tr, s.f.late_start_share, percent, true);
      numberCell(tr, s.f.mean_actual_duration_min, minutes, true);
    });
  }

  function showAnomalies(flagged) {
    var A = data.anomalies;
    var chips = document.getElementById("anomaly-kinds");
    var table = document.getElementById("table-anomalies");
    if (!chips || !table) return;
    var none = document.getElementById("anomalies-none");
    var box = table.closest(".table-scroll");
    var tools = box.nextElementSibling;
    var empty = flagged.length === 0;
    chips.hidden = box.hidden = empty;
    if (tools && tools.classList.contains("table-tools")) tools.hidden = empty;
    if (empty && !none) {
      none = document.createElement("p");
      none.id = "anomalies-none";
      none.textContent = "No session was flagged.";
      chips.parentNode.insertBefore(none, chips);
    }
    if (none) none.hidden = !empty;
    var counts = A.kinds.map(function () { return [0, 0]; });
    flagged.forEach(function (a) {
      counts[A.kind[a]][0]++;
      if (A.severities[A.severity[a]] === "high") counts[A.kind[a]][1]++;
    });
    while (chips.firstChild) chips.firstChild.remove();
    counts.forEach(function (c, k) {
      if (!c[0]) return;
      var li = document.createElement("li");
      li.textContent = A.kinds[k].replace(/_/g, " ") + ": " + grouped(c[0]) + (c[1] ? " (" + grouped(c[1]) + " high)" : "");
      chips.appendChild(li);
    });
    var caption = flagged.length > data.anomalyRows
      ? "Showing the " + data.anomalyRows + " most severe and recent of " + grouped(flagged.length) +
        "; --export-data writes all of them (anomalies.csv)."
      : "All " + grouped(flagged.length) + " flags.";
    fillTable("table-anomalies", caption, flagged.slice(0, data.anomalyRows), function (tr, a) {
      var r = A.session[a];
      var severity = A.severities[A.severity[a]];
      var td = cell(tr);
      td.setAttribute("data-value", severity);
      td.setAttribute("data-sort", String(A.severity[a]));
      var span = document.createElement("span");
      span.className = "severity severity-" + severity;
      span.textContent = severity;
      td.appendChild(span);
      momentCell(tr, C.minute[r]);
      titledCell(tr, data.titles[C.title[r]], C.id[r], true);
      var webinar = webinarOf(r);
      titledCell(tr, webinar[1], webinar[0], false);
      wordsCell(tr, A.kinds[A.kind[a]].replace(/_/g, " "));
      wordsCell(tr, a < A.reason.length ? A.reason[a] : null);
    });
  }

  // ---- Charts ---------------------------------------------------------------------------
  // A chart that follows the filter is drawn again from its spec with its data recomputed
  // from the selected rows (as its builder in webinar_insights.charts computes it); one that
  // does not yet says so under it while a filter is set.
  var specs = {};   // key -> the spec as built (parsed once)
  var drawnSpecs = {};  // key -> the spec last drawn under the filter (for the browser tests)

  function specOf(key) {
    if (!specs[key]) {
      var block = document.getElementById("spec-" + key);
      specs[key] = block ? JSON.parse(block.textContent) : null;
    }
    return specs[key];
  }
  // A float as charts._base.embed writes it into a spec: six decimals.
  // (polars' round: halves to even).
  function embedded(x) {
    var scaled = x * 1e6;
    var r = Math.round(scaled);
    if (r - scaled === 0.5 && r % 2 !== 0) r -= 1;
    return r / 1e6;
  }
  function countOf(n, thing) { return grouped(n) + " " + thing + (n === 1 ? "" : "s"); }

  // charts.weekday_hour_chart: sessions, attendees and registrants per weekday and hour.
  function weekdayHour(spec, rows) {
    var name = Object.keys(spec.datasets)[0];
    var built = spec.datasets[name];
    var weekdays = [];
    built.forEach(function (cell) { if (weekdays.indexOf(cell.weekday) < 0) weekdays.push(cell.weekday); });
    var cells = [];
    for (var i = 0; i < 168; i++) cells.push({ sessions: 0, attendees: 0, registrants: 0 });
    var placed = 0, unknown = 0;
    rows.forEach(function (r) {
      var slot = C.slot[r];
      if (slot === null) return;
      placed++;
      if (slot >= 168) { unknown++; slot -= 168; }
      var cell = cells[slot];
      cell.sessions++;
      cell.attendees += C.attendees[r] || 0;
      cell.registrants += C.registrants[r] || 0;
    });
    if (!placed) return null;
    var values = cells.map(function (cell, slot) {
      var hour = slot % 24;
      var empty = cell.sessions === 0;
      return {
        weekday: weekdays[Math.floor(slot / 24)], hour: hour,
        hours: two(hour) + ":00 to " + two((hour + 1) % 24) + ":00",
        sessions: cell.sessions,
        attendance_rate: !empty && cell.registrants > 0 ? embedded(cell.attendees / cell.registrants) : null,
        attendees: empty ? null : cell.attendees, registrants: empty ? null : cell.registrants,
      };
    });
    var drawn = JSON.parse(JSON.stringify(spec));
    drawn.datasets[name] = values;
    var lines = drawn.title.subtitle || [];
    var first = lines[0].replace(/^[\d,]+ sessions?/, countOf(placed, "session"));
    drawn.title.subtitle = [first].concat(
      unknown ? [countOf(unknown, "session") + " without a known time zone are placed in UTC."] : []
    );
    return drawn;
  }

  // charts._histogram: values binned as split_histogram bins them (the 0.5th to 99.5th
  // percentile, widened to hold ``include``, at most maxBins bars of a nice width), each bar
  // split into the flagged group and the other.
  function general(x) { return String(Number(x.toPrecision(6))); }  // Python's format "g"
  function polarsFloat(x) { return Number.isInteger(x) ? x.toFixed(1) : String(x); }
  function niceWidth(width, span) {
    var H = data.histograms;
    for (var i = 0; i < H.niceSteps.length; i++) {
      if (span / (width * H.niceSteps[i]) <= H.maxBins) return width * H.niceSteps[i];
    }
    return width * Math.ceil(span / (width * H.maxBins));
  }
  function splitHistogram(values, flagged, labels, width, include, unit, thing) {
    var sorted = Float64Array.from(values).sort();
    var n = sorted.length;
    var lo = sorted[Math.floor((n - 1) * 0.005)];
    var hi = sorted[Math.ceil((n - 1) * 0.995)];
    var low = Math.floor(Math.min.apply(null, [lo].concat(include)) / width) * width;
    var high = (Math.floor(Math.max.apply(null, [hi].concat(include)) / width) + 1) * width;
    width = niceWidth(width, high - low);
    low = Math.floor(low / width) * width;
    high = Math.ceil(high / width) * width;
    if (high <= low) high = low + width;
    var last = Math.round((high - low) / width) - 1;
    var counts = new Map();
    var below = 0, above = 0;
    for (var i = 0; i < n; i++) {
      var v = values[i];
      if (v < low) below++;
      if (v >= high) above++;
      var bin = Math.min(last, Math.max(0, Math.floor((v - low) / width)));
      var group = flagged[i] ? labels[0] : labels[1];
      var key = bin + "|" + group;
      var found = counts.get(key);
      if (found) found.count++;
      else counts.set(key, { bin: bin, group: group, count: 1 });
    }
    var rows = Array.from(counts.values()).sort(function (a, b) {
      return a.bin - b.bin || compare(a.group, b.group);
    }).map(function (cell) {
      var start = cell.bin * width + low;
      var end = (cell.bin + 1) * width + low;
      return {
        bin_start: embedded(start), bin_end: embedded(end), group: cell.group, count: cell.count,
        range: polarsFloat(Math.round(start * 100) / 100) + " to " + polarsFloat(Math.round(end * 100) / 100) + " " + unit,
        share: embedded(cell.count / n),
      };
    });
    var outside = below + above;
    var note = outside
      ? countOf(outside, thing || "session") + " outside " + general(low) + " to " + general(high) + " " + unit +
        " are counted in the edge bars."
      : "";
    return { rows: rows, note: note };
  }
  function withBins(spec, rows, subtitle) {
    var drawn = JSON.parse(JSON.stringify(spec));
    drawn.datasets[datasetWith(drawn, "bin_start")] = rows;
    drawn.title.subtitle = subtitle.filter(function (line) { return line; });
    return drawn;
  }

  // charts.overrun_chart: Finished sessions by overrun, split into ran over and not.
  function overrun(spec, rows) {
    var values = [], over = [];
    rows.forEach(function (r) {
      if (C.overrun[r] === null) return;
      var minutes = asMinutes(C.overrun[r]);
      values.push(minutes);
      over.push(minutes > 0);
    });
    if (!values.length) return null;
    var sorted = Float64Array.from(values).sort();
    var median = quantile(sorted, 0.5);
    var ranOver = over.filter(Boolean).length / values.length;
    var bins = splitHistogram(values, over, ["ran over", "on time or shorter"],
      data.histograms.overrunWidth, [0], "min");
    return withBins(spec, bins.rows, [
      countOf(values.length, "Finished session") + ": median overrun " + signed(fixed(median, 1)) +
        " min, " + fixed(ranOver * 100, 0) + "% ran over.",
      bins.note,
    ]);
  }

  // charts.start_delay_chart: started sessions by delay, split into late and not, beside the
  // hosts with the highest median delay (metrics.percentile_bands by host).
  function startDelay(spec, rows) {
    var H = data.histograms;
    var values = [], late = [], byHost = new Map();
    rows.forEach(function (r) {
      if (C.delay[r] === null) return;
      var minutes = asMinutes(C.delay[r]);
      values.push(minutes);
      late.push(C.late[r] === 1);
      var host = C.host[r];
      if (!byHost.has(host)) byHost.set(host, { delays: [], late: 0 });
      var entry = byHost.get(host);
      entry.delays.push(minutes);
      entry.late += C.late[r] === 1 ? 1 : 0;
    });
    if (!values.length) return null;
    var hosts = [];
    byHost.forEach(function (entry, host) {
      if (entry.delays.length < H.delayHostSessions) return;
      var sorted = Float64Array.from(entry.delays).sort();
      hosts.push({
        host: data.hosts[host], sessions: sorted.length,
        median_delay_min: embedded(quantile(sorted, 0.5)),
        p75_delay_min: embedded(quantile(sorted, 0.75)),
        late_share: embedded(entry.late / sorted.length),
        order: quantile(sorted, 0.5),
      });
    });
    hosts.sort(function (a, b) { return b.order - a.order || compare(a.host, b.host); });
    var ranked = hosts.slice(0, H.delayHosts).map(function (h) {
      return { host: h.host, sessions: h.sessions, median_delay_min: h.median_delay_min,
               p75_delay_min: h.p75_delay_min, late_share: h.late_share };
    });
    var lateMin = H.lateAfterMin;
    var bins = splitHistogram(values, late, ["late (> " + general(lateMin) + " min)", "on time or early"],
      H.delayWidth, [0, lateMin], "min");
    var sorted = Float64Array.from(values).sort();
    var lateCount = late.filter(Boolean).length;
    var drawn = withBins(spec, bins.rows, [
      countOf(values.length, "started session") + ": median delay " + fixed(quantile(sorted, 0.5), 1) +
        " min, " + fixed((lateCount / values.length) * 100, 0) + "% late (more than " + general(lateMin) +
        " min after the scheduled start). " + countOf(hosts.length, "host") + " with " +
        H.delayHostSessions + "+ started sessions; the " + Math.min(H.delayHosts, hosts.length) +
        " latest shown.",
      bins.note,
    ]);
    var panel = drawn.hconcat[1];
    var hostData = panel.data.name;
    if (ranked.length) {
      drawn.datasets[hostData] = ranked;
    } else if (!("message" in (drawn.datasets[hostData][0] || {}))) {
      // As the chart says no host has enough sessions: a line of text in the ranking's place.
      delete drawn.datasets[hostData];
      drawn.datasets["data-no-hosts"] = [{ message: "No host has " + H.delayHostSessions + "+ started sessions." }];
      drawn.hconcat[1] = {
        data: { name: "data-no-hosts" }, mark: { type: "text", color: H.muted, fontSize: 13 },
        encoding: { text: { field: "message", type: "nominal" } },
        height: 120, name: panel.name, title: panel.title, width: panel.width,
      };
    }
    return drawn;
  }

  // charts._base.time_x: ticks for the span (milliseconds of local time written as UTC, as
  // the chart's stamps are).
  function timeAxis(first, last) {
    var ticks = data.timeline.ticks;
    var span = Math.max(last - first, 3600000);
    var tick = ticks.filter(function (t) { return span / t[1] <= 8 * t[2][t[2].length - 1]; })[0] ||
      ticks[ticks.length - 1];
    var count = span / tick[1];
    var step = tick[2].filter(function (s) { return count / s <= 8; })[0] || Math.ceil(count / 8);
    var axis = { format: tick[3], tickCount: { interval: tick[0], step: step } };
    if (tick[0] === "hours") {
      axis.tickCount = 8;
      if (new Date(first).toISOString().slice(0, 10) !== new Date(last).toISOString().slice(0, 10)) {
        axis.format = "%b %d %H:%M";
      }
    }
    return axis;
  }

  // charts.status_timeline_chart: the selected sessions the file's timeline holds, Active ones
  // first, then nearest to the report's clock; a row per webinar. ``undefined`` when the
  // sessions it would show are not all in the file's timeline (more than it holds).
  function timeline(spec, rows) {
    var T = data.timeline;
    var name = Object.keys(spec.datasets).filter(function (key) {
      var sample = spec.datasets[key][0];
      return sample && "session_id" in sample && "row" in sample;
    })[0];
    if (!name) return undefined;
    var shipped = new Map();
    spec.datasets[name].forEach(function (point) { shipped.set(point.session_id, point); });
    var nowName = Object.keys(spec.datasets).filter(function (key) {
      var sample = spec.datasets[key][0];
      return sample && "now" in sample;
    })[0];
    var now = Date.parse(spec.datasets[nowName][0].now);
    function active(r) { return data.statuses[C.status[r]] === "Active"; }
    var candidates = rows.slice().sort(function (a, b) {
      return (active(a) ? 0 : 1) - (active(b) ? 0 : 1) ||
        Math.abs(C.minute[a] - T.now) - Math.abs(C.minute[b] - T.now) || a - b;
    }).slice(0, T.maxSessions);
    if (!candidates.length) return null;
    var chosen = [];
    for (var i = 0; i < candidates.length; i++) {
      var point = shipped.get(C.id[candidates[i]]);
      if (!point) return undefined;
      var webinar = webinarOf(candidates[i]);
      chosen.push({
        point: point, row: candidates[i], key: webinar[0] !== "" ? webinar[0] : webinar[1] || "",
        distance: Math.abs(Date.parse(point.scheduled_start) - now),
      });
    }
    chosen.sort(function (a, b) {
      return (a.point.active ? 0 : 1) - (b.point.active ? 0 : 1) || a.distance - b.distance || a.row - b.row;
    });
    var byKey = new Map();
    chosen.forEach(function (c) {
      var entry = byKey.get(c.key);
      var start = Date.parse(c.point.scheduled_start);
      if (!entry) {
        byKey.set(c.key, { key: c.key, series: c.point.webinar, quiet: !c.point.active, nearest: c.distance, latest: start });
      } else {
        entry.quiet = entry.quiet && !c.point.active;
        entry.nearest = Math.min(entry.nearest, c.distance);
        entry.latest = Math.max(entry.latest, start);
      }
    });
    var ranked = Array.from(byKey.values()).sort(function (a, b) {
      return (a.quiet ? 1 : 0) - (b.quiet ? 1 : 0) || a.nearest - b.nearest || compare(a.key, b.key);
    });
    var kept = ranked.slice(0, ranked.length <= T.maxRows ? T.maxRows : T.maxRows - 1);
    var rest = ranked.length - kept.length;
    var other = "Other webinars (" + grouped(rest) + ")";
    var seen = {};
    kept.forEach(function (entry) { seen[entry.series] = (seen[entry.series] || 0) + 1; });
    var labelOf = new Map();
    kept.slice().sort(function (a, b) { return b.latest - a.latest || compare(a.key, b.key); })
      .forEach(function (entry) {
        labelOf.set(entry.key, seen[entry.series] > 1 ? entry.series + " (" + entry.key + ")" : entry.series);
      });
    var order = Array.from(labelOf.values()).concat(rest ? [other] : []);
    var first = Infinity, last = -Infinity;
    var points = chosen.map(function (c) {
      var p = c.point;
      first = Math.min(first, Date.parse(p.scheduled_start));
      var ends = [p.scheduled_end, p.active ? null : p.live_end].filter(Boolean).map(Date.parse);
      if (ends.length) last = Math.max(last, Math.max.apply(null, ends));
      return Object.assign({}, p, { row: labelOf.has(c.key) ? labelOf.get(c.key) : other });
    });
    if (last === -Infinity) last = first;
    var drawn = JSON.parse(JSON.stringify(spec));
    drawn.datasets[name] = points;
    drawn.layer.forEach(function (part) {
      var y = part.encoding && part.encoding.y;
      if (y && y.field === "row") {
        y.sort = order;
        y.scale = Object.assign({}, y.scale, { domain: order });
      }
    });
    var axis = timeAxis(Math.min(first, now), Math.max(last, now));
    Object.assign(drawn.layer[0].encoding.x.axis, axis);
    drawn.title.subtitle = [
      spec.title.subtitle[0],
      chosen.length < rows.length
        ? "Showing " + grouped(chosen.length) + " of " + grouped(rows.length) +
          " sessions: Active ones first, then those scheduled nearest to now."
        : countOf(rows.length, "session") + " of " + countOf(ranked.length, "webinar") + ".",
    ].concat(rest ? ["The " + grouped(rest) + " webinars furthest from now share the last row."] : []);
    return drawn;
  }

  // ---- Calendar periods in the report's zone (polars' dt.truncate and dt.offset_by) --------
  function offsetAt(ms) {  // minutes the zone is ahead of UTC at the instant ms
    return offsetOf(localParts(ms), Math.floor(ms / 60000) * 60000);
  }
  function localMidnight(y, m, d) {  // the instant (ms) of a local date's midnight
    var wall = Date.UTC(y, m, d);
    var guess = wall - offsetAt(wall) * 60000;
    return wall - offsetAt(guess) * 60000;
  }
  function periodStart(wallMs, every) {  // [y, m, d] of the period holding a local wall clock
    var t = new Date(wallMs);
    var y = t.getUTCFullYear(), m = t.getUTCMonth(), d = t.getUTCDate();
    if (every === "1w") { d -= (t.getUTCDay() + 6) % 7; }
    else if (every === "1mo") { d = 1; }
    else if (every === "1q") { m -= m % 3; d = 1; }
    else if (every === "1y") { m = 0; d = 1; }
    var start = new Date(Date.UTC(y, m, d));
    return [start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()];
  }
  function periodEnd(start, every) {
    var y = start[0], m = start[1], d = start[2];
    if (every === "1d") d += 1;
    else if (every === "1w") d += 7;
    else if (every === "1mo") m += 1;
    else if (every === "1q") m += 3;
    else y += 1;
    var end = new Date(Date.UTC(y, m, d));
    return [end.getUTCFullYear(), end.getUTCMonth(), end.getUTCDate()];
  }
  // _periods.fitting_period: the shortest period cutting a span of ``days`` into at most
  // autoMax periods (a year when none does); a span under a day counts as one day.
  function fittingPeriod(days) {
    var P = data.periods;
    days = Math.max(days, 1);
    return P.list.filter(function (p) { return days / p[2] <= P.autoMax; })[0] || P.list[P.list.length - 1];
  }
  function ymdOf(text) {  // "2026-10-05..." -> [2026, 9, 5] (months from 0, as Date.UTC takes them)
    var t = text.slice(0, 10).split("-").map(Number);
    return [t[0], t[1] - 1, t[2]];
  }
  function dateText(ymd) { return new Date(Date.UTC(ymd[0], ymd[1], ymd[2])).toISOString().slice(0, 10); }
  function wallClock(ms) {  // an instant as the zone's wall clock, in ms on a UTC scale
    return ms + offsetAt(ms) * 60000;
  }
  function rowWall(r) {  // a session's moment as the zone's wall clock, in ms on a UTC scale
    return (data.originUtc + C.minute[r] + C.offset[r]) * 60000 + (C.second[r] || 0) * 1000;
  }
  function stampOf(wallMs) { return new Date(wallMs).toISOString().slice(0, 19) + "Z"; }
  function labelOf(wallMs) { return new Date(wallMs).toISOString().slice(0, 16).replace("T", " "); }

  // charts.attendance_rate_chart: each Finished session's rate as a dot, the weighted rate per
  // period as the line, the middle half of the sessions' rates per period as the band.
  function attendanceRate(spec, rows) {
    var A = data.attendance;
    var rated = rows.filter(function (r) {
      return C.status[r] === FINISHED && C.rated[r] && C.second[r] !== null;
    });
    if (!rated.length) return null;
    var startMs = function (r) { return (data.originUtc + C.minute[r]) * 60000 + C.second[r] * 1000; };
    var first = Infinity, last = -Infinity, firstRow, lastRow;
    rated.forEach(function (r) {
      var ms = startMs(r);
      if (ms < first) { first = ms; firstRow = r; }
      if (ms > last) { last = ms; lastRow = r; }
    });
    var period = fittingPeriod((last - first) / 86400000);
    var every = period[0], unit = period[1];
    var groups = new Map();
    rated.forEach(function (r) {
      var key = dateText(periodStart(rowWall(r), every));
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(r);
    });
    var periods = Array.from(groups.keys()).sort().map(function (key) {
      var members = groups.get(key);
      var start = ymdOf(key);
      var end = periodEnd(start, every);
      var from = localMidnight(start[0], start[1], start[2]);
      var to = localMidnight(end[0], end[1], end[2]);
      var attendees = 0, registrants = 0;
      var rates = members.map(function (r) {
        attendees += C.attendees[r];
        registrants += C.registrants[r];
        return rateOf(r);
      });
      var sorted = Float64Array.from(rates).sort();
      var lastDay = new Date(Date.UTC(end[0], end[1], end[2] - 1));
      return {
        period_mid: stampOf(wallClock(from + (to - from) / 2)),
        period: key + " to " + lastDay.toISOString().slice(0, 10),
        sessions: members.length, weighted_rate: embedded(attendees / registrants),
        attendees: attendees, registrants: registrants,
        p25: embedded(quantile(sorted, 0.25)), p75: embedded(quantile(sorted, 0.75)),
      };
    });
    var sampled = rated.length > A.maxPoints;
    var shownRows = rated;
    if (sampled) {  // evenly spread over time (rows are in time order)
      shownRows = [];
      for (var i = 0; i < A.maxPoints; i++) shownRows.push(rated[Math.floor((i * rated.length) / A.maxPoints)]);
    }
    var points = shownRows.map(function (r) {
      var at = startMs(r);
      var wall = rowWall(r);
      return {
        scheduled_start: stampOf(wall), scheduled: labelOf(wall),
        started: C.delay[r] === null ? null : labelOf(wallClock(at + Math.round(C.delay[r] * 1000))),
        session: data.titles[C.title[r]], session_id: C.id[r], webinar: webinarOf(r)[1],
        host: data.hosts[C.host[r]], attendance_rate: embedded(rateOf(r)),
        attendees: C.attendees[r], registrants: C.registrants[r],
      };
    });
    var drawn = JSON.parse(JSON.stringify(spec));
    drawn.datasets[datasetWith(drawn, "period_mid")] = periods;
    drawn.datasets[datasetWith(drawn, "attendance_rate")] = points;
    var axis = timeAxis(rowWall(firstRow), rowWall(lastRow));
    var capital = unit.charAt(0).toUpperCase() + unit.slice(1);
    drawn.layer.forEach(function (part) {
      var x = part.encoding && part.encoding.x;
      if (x && x.axis) {
        delete x.axis.tickCount;
        Object.assign(x.axis, axis);
      }
      (part.encoding.tooltip || []).forEach(function (tip) { if (tip.field === "period") tip.title = capital; });
    });
    drawn.title.subtitle = [
      "Dots: sessions. Line: weighted rate per " + unit + ". Band: middle half (25th to 75th" +
        " percentile) of the sessions' rates per " + unit + ".",
      sampled
        ? "Showing " + grouped(points.length) + " of " + grouped(rated.length) + " sessions, evenly" +
          " spread over time; the line and band use all of them."
        : countOf(rated.length, "Finished session") + " with registrants.",
    ];
    return drawn;
  }

  // charts.explore_chart: sessions per period, host group and status, summed again in the
  // page by the explore view's own selections; the period chosen for the filter's days.
  function explore(spec, rows, range) {
    var E = data.explore;
    var every = fittingPeriod((range.hi - range.lo) / 1440)[0];
    var placed = rows.filter(function (r) { return C.minute[r] !== null; });
    var counts = new Map();
    placed.forEach(function (r) { counts.set(C.host[r], (counts.get(C.host[r]) || 0) + 1); });
    var named = new Set(Array.from(counts.keys()).sort(function (a, b) {
      return counts.get(b) - counts.get(a) || compare(data.hosts[a], data.hosts[b]);
    }).slice(0, E.hosts));
    var cells = new Map();
    var firstStart = null, lastStart = null;
    placed.forEach(function (r) {
      var ymd = periodStart(rowWall(r), every);
      var start = dateText(ymd) + "T00:00:00Z";
      var host = named.has(C.host[r]) ? data.hosts[C.host[r]] : E.other;
      var status = C.status[r] === null ? "(unknown)" : data.statuses[C.status[r]];
      var key = start + "\u0000" + host + "\u0000" + status;
      var cell = cells.get(key);
      if (!cell) {
        cell = { start: start, host: host, status: status, n: 0, fin: 0, reg: 0, att: 0, rated: 0, started: 0, late: 0 };
        cells.set(key, cell);
      }
      cell.n++;
      if (C.status[r] === FINISHED) cell.fin++;
      if (C.rated[r]) { cell.reg += C.registrants[r]; cell.att += C.attendees[r]; cell.rated++; }
      if (C.delay[r] !== null) cell.started++;
      if (C.late[r] === 1) cell.late++;
      if (firstStart === null || start < firstStart) firstStart = start;
      if (lastStart === null || start > lastStart) lastStart = start;
    });
    var values = Array.from(cells.values()).sort(function (a, b) {
      return compare(a.start, b.start) || compare(a.host, b.host) || compare(a.status, b.status);
    });
    var totals = new Map();
    values.forEach(function (v) { totals.set(v.host, (totals.get(v.host) || 0) + v.n); });
    var order = Array.from(totals.keys()).sort(function (a, b) {
      return (a === E.other) - (b === E.other) || totals.get(b) - totals.get(a) || compare(a, b);
    });
    var low = wallClock((data.originUtc + range.lo) * 60000);
    var high = wallClock((data.originUtc + range.hi) * 60000);
    if (firstStart !== null) {
      low = Math.min(low, Date.parse(firstStart));
      var end = periodEnd(ymdOf(lastStart), every);
      high = Math.max(high, Date.UTC(end[0], end[1], end[2]));
    }
    var drawn = JSON.parse(JSON.stringify(E.templates[every]));
    var name = Object.keys(drawn.datasets)[0];
    drawn.datasets[name] = values;
    (function domains(node) {
      if (Array.isArray(node)) { node.forEach(domains); return; }
      if (!node || typeof node !== "object") return;
      if (node.scale && node.scale.domain && typeof node.scale.domain.expr === "string") {
        node.scale.domain.expr = "[" + low + ", " + high + "]";
      }
      Object.keys(node).forEach(function (key) { domains(node[key]); });
    })(drawn);
    drawn.vconcat[1].hconcat[1].encoding.y.sort = order;
    drawn.title.subtitle[1] = drawn.title.subtitle[1].replace(/^[\d,]+ sessions?/, countOf(rows.length, "session"));
    return drawn;
  }

  // ---- Charts drawn from people: per-session data the file carries (_filter._people_charts).
  // Per-session values are parallel arrays with the session's row in ``row``: each row's
  // positions in them, indexed once per array.
  var positions = new Map();  // row array -> Map(row -> [position, ...])
  function atRows(shipped) {
    if (!positions.has(shipped.row)) {
      var at = new Map();
      shipped.row.forEach(function (r, i) {
        if (!at.has(r)) at.set(r, []);
        at.get(r).push(i);
      });
      positions.set(shipped.row, at);
    }
    return positions.get(shipped.row);
  }
  // false: too many values to carry in the file; undefined: the chart is not in the report.
  function peopleOf(key) { return data.peopleCharts[key]; }
  function datasetWith(drawn, column) {
    return Object.keys(drawn.datasets).filter(function (name) {
      var sample = drawn.datasets[name][0];
      return sample && column in sample;
    })[0];
  }

  // charts.registration_funnel_chart of metrics.registration_funnel: the sum of the
  // Finished sessions' per-session counts (metrics.session_funnel).
  function funnel(spec, rows) {
    var F = peopleOf("funnel");
    if (F === false) return undefined;
    if (!F) return spec;
    var at = atRows(F);
    var counts = [0, 0, 0];
    rows.forEach(function (r) {
      if (C.status[r] !== FINISHED) return;
      (at.get(r) || []).forEach(function (i) {
        counts[0] += F.registered[i];
        counts[1] += F.joined[i];
        counts[2] += F.stayed[i];
      });
    });
    var drawn = JSON.parse(JSON.stringify(spec));
    var name = datasetWith(drawn, "stage");
    drawn.datasets[name] = drawn.datasets[name].map(function (stage, i) {
      var count = counts[i];
      var first = counts[0] > 0 ? count / counts[0] : null;
      return {
        order: i, stage: stage.stage, count: count,
        share_of_first: first === null ? null : embedded(first),
        share_of_previous: i > 0 && counts[i - 1] > 0 ? embedded(count / counts[i - 1]) : null,
        text: grouped(count) + (first === null ? "" : " (" + fixed(first * 100, 0) + "%)"),
      };
    });
    return drawn;
  }

  // charts.registration_lead_time_chart of metrics.registration_lead_time: each live
  // registrant's days from registering to the session's start.
  function leadTime(spec, rows) {
    var L = peopleOf("lead_time");
    if (L === false) return undefined;
    if (!L) return spec;
    var at = atRows(L);
    var values = [], after = [];
    rows.forEach(function (r) {
      (at.get(r) || []).forEach(function (i) {
        var days = L.us[i] / 86400000000;
        if (!isFinite(days)) return;
        values.push(days);
        after.push(days < 0);
      });
    });
    if (!values.length) return null;
    var sorted = Float64Array.from(values).sort();
    var median = quantile(sorted, 0.5);
    var withinDay = 0;
    values.forEach(function (v) { if (v >= 0 && v < 1) withinDay++; });
    var bins = splitHistogram(values, after, ["after the start", "before the start"], L.binDays, [0],
      "days", "registrant");
    var drawn = withBins(spec, bins.rows, [
      countOf(values.length, "registrant") + ": median " + fixed(median, 1) + " days ahead; " +
        fixed((withinDay / values.length) * 100, 0) + "% registered in the last day before the start.",
      bins.note,
    ]);
    drawn.datasets[datasetWith(drawn, "label")] = [{ x: median, label: "median " + fixed(median, 1) + " days" }];
    return drawn;
  }

  // charts.retention_chart of metrics.retention_curve: a line per session up to maxLines,
  // else the median and middle half across sessions, minute by minute.
  function retention(spec, rows) {
    var R = peopleOf("retention");
    if (R === false) return undefined;
    if (!R) return spec;
    var at = atRows(R);
    var chosen = [];
    rows.forEach(function (r) { (at.get(r) || []).forEach(function (i) { chosen.push(i); }); });
    if (!chosen.length) return null;
    chosen.sort(function (a, b) { return compare(R.id[a], R.id[b]); });
    var shape = chosen.length === 1 ? "one" : chosen.length <= R.maxLines ? "lines" : "many";
    var drawn = JSON.parse(JSON.stringify(R.templates[shape]));
    var name = Object.keys(drawn.datasets)[0];
    var caveat = drawn.title.subtitle[0];
    var points = [], step;
    if (shape !== "many") {
      var total = 0;
      chosen.forEach(function (i) { total += R.present[i].length; });
      step = Math.max(1, Math.ceil(total / R.maxRows));
      chosen.forEach(function (i) {
        R.present[i].forEach(function (present, minute) {
          if (minute % step) return;
          points.push({ session: R.id[i], minute: minute, attendees_present: present,
                        share_present: embedded(present / R.attendees[i]) });
        });
      });
      drawn.title.subtitle = [caveat].concat(step > 1 ? ["Every " + step + " minutes."] : []);
    } else {
      var byMinute = [];
      chosen.forEach(function (i) {
        R.present[i].forEach(function (present, minute) {
          (byMinute[minute] = byMinute[minute] || []).push(present / R.attendees[i]);
        });
      });
      var minutes = byMinute.length;
      step = Math.max(1, Math.ceil(minutes / R.maxRows));
      byMinute.forEach(function (shares, minute) {
        if (minute % step) return;
        var sorted = Float64Array.from(shares).sort();
        points.push({ minute: minute, sessions: sorted.length, p25: embedded(quantile(sorted, 0.25)),
                      median: embedded(quantile(sorted, 0.5)), p75: embedded(quantile(sorted, 0.75)) });
      });
      drawn.title.subtitle = [caveat, grouped(chosen.length) + " sessions, summarised: line = median share" +
        " per minute, band = middle half (25th to 75th percentile) of the sessions still running." +
        (step > 1 ? " Every " + step + " minutes." : "")];
    }
    drawn.datasets[name] = points;
    return drawn;
  }

  // ---- The Audience section (report._audience): per-session counts the file carries
  // (_filter._audience), summed again for the sessions shown; new and returning people and
  // the series cohorts from reach's attendee keys. The forecast learned from every session
  // of the report: a filter picks which upcoming sessions it shows.
  function audienceOf(key) { return (data.audience || {})[key]; }
  function periodOfRange(range) { return fittingPeriod((range.hi - range.lo) / 1440)[0]; }
  function sessionOrder(a, b) {  // metrics.session_moment, then session_id
    var ma = C.minute[a], mb = C.minute[b];
    if (ma === null || mb === null) return (ma === null) - (mb === null) || compare(C.id[a], C.id[b]);
    return ma - mb || (C.second[a] || 0) - (C.second[b] || 0) || compare(C.id[a], C.id[b]);
  }
  function withData(drawn, column, values) {
    drawn.datasets[datasetWith(drawn, column)] = values;
    return drawn;
  }

  // charts.channel_chart of metrics.channel_summary: the Finished sessions' channels.
  function channels(spec, rows) {
    var K = audienceOf("channels");
    if (K === false) return undefined;
    if (!K || !datasetWith(spec, "channel")) return spec;
    var at = atRows(K);
    var sums = new Map();
    rows.forEach(function (r) {
      if (C.status[r] !== FINISHED) return;
      (at.get(r) || []).forEach(function (i) {
        var sum = sums.get(K.channel[i]) || [0, 0];
        sum[0] += K.registered[i];
        sum[1] += K.joined[i];
        sums.set(K.channel[i], sum);
      });
    });
    if (!sums.size) return null;
    var registered = 0, joined = 0;
    var list = Array.from(sums.entries()).map(function (e) {
      registered += e[1][0];
      joined += e[1][1];
      return { channel: K.names[e[0]], registered: e[1][0], joined: e[1][1] };
    }).sort(function (a, b) { return b.registered - a.registered || compare(a.channel, b.channel); });
    var shown = list.slice(0, audienceOf("maxRows")).map(function (c, order) {
      var few = c.registered < audienceOf("smallSample");
      return {
        order: order, channel: c.channel, registered: c.registered, joined: c.joined,
        join_rate: embedded(c.joined / c.registered), small_sample: few,
        text: grouped(c.joined) + " of " + grouped(c.registered) + (few ? " · few" : ""),
        reliable: few ? "few" : "ok",
      };
    });
    var overall = joined / registered;
    var drawn = withData(JSON.parse(JSON.stringify(spec)), "channel", shown);
    withData(drawn, "rate", [{ rate: embedded(overall) }]);
    drawn.title.subtitle = ["Of the " + countOf(registered, "live registrant") + ", the share who" +
      " joined, by channel; dashed: all channels (" + fixed(overall * 100, 0) + "%). Pale: fewer" +
      " than " + audienceOf("smallSample") + " registrants. Walk-ins have no channel."];
    return drawn;
  }

  // Sessions summed per calendar period of the filter's range (metrics.session_period).
  function perPeriod(rows, range, add) {
    var every = periodOfRange(range);
    var periods = new Map();
    rows.forEach(function (r) {
      if (C.minute[r] === null) return;
      var key = dateText(periodStart(rowWall(r), every));
      if (!periods.has(key)) periods.set(key, add(null, r));
      else add(periods.get(key), r);
    });
    return Array.from(periods.keys()).sort().map(function (key) { return [key, periods.get(key)]; });
  }

  // charts.on_demand_chart of metrics.on_demand per period: the Finished sessions'
  // registrants after the session had ended, and their share of all.
  function onDemand(spec, rows, range) {
    var O = audienceOf("onDemand");
    if (!O || !datasetWith(spec, "post_webinar_share")) return spec;
    var at = atRows(O);
    var counted = rows.filter(function (r) { return C.status[r] === FINISHED && at.has(r); });
    var periods = perPeriod(counted, range, function (sum, r) {
      sum = sum || [0, 0];
      at.get(r).forEach(function (i) { sum[0] += O.live[i]; sum[1] += O.post[i]; });
      return sum;
    });
    if (!periods.length) return null;
    var live = 0, post = 0;
    periods.forEach(function (p) { live += p[1][0]; post += p[1][1]; });
    var values = periods.slice(0, audienceOf("maxRows")).map(function (p) {
      var all = p[1][0] + p[1][1];
      return {
        period: p[0] + "T00:00:00Z", live_registrants: p[1][0], post_webinar_registrants: p[1][1],
        post_webinar_share: all ? embedded(p[1][1] / all) : null, period_from: p[0],
      };
    });
    var drawn = withData(JSON.parse(JSON.stringify(spec)), "post_webinar_share", values);
    var everyone = live + post;
    drawn.title.subtitle = ["Bars: people who registered after the session had ended (orange" +
      " axis, left); line: their share of all registrants. " + grouped(post) + " of " +
      grouped(everyone) + " (" + fixed((everyone ? post / everyone : 0) * 100, 1) + "%)."];
    return drawn;
  }

  // Who attended each session shown, in session order: [row, [person, ...]] (-1: a person of
  // their own), or false/undefined as reach has them.
  function visitsOf(rows) {
    var R = data.reach;
    if (R === false) return undefined;
    if (!R || !R.current) return false;
    var at = atRows(R);
    return rows.filter(function (r) { return at.has(r); }).sort(sessionOrder).map(function (r) {
      var persons = at.get(r).map(function (i) { return R.person[i]; });
      var people = Array.from(new Set(persons.filter(function (p) { return p >= 0; })));
      persons.forEach(function (p) { if (p < 0) people.push(p); });
      return [r, people];
    });
  }

  // charts.returning_chart of metrics.new_vs_returning per period: new people are those
  // whose first session among those shown is in the period.
  function returning(spec, rows, range) {
    var visits = visitsOf(rows);
    if (visits === undefined) return undefined;
    if (!visits || !datasetWith(spec, "kind")) return spec;
    var seen = new Set();
    var firstOf = new Map();  // row -> new people in it
    visits.forEach(function (v) {
      var fresh = 0;
      v[1].forEach(function (p) { if (p < 0 || !seen.has(p)) { fresh++; seen.add(p); } });
      firstOf.set(v[0], [v[1], fresh]);
    });
    var periods = perPeriod(visits.map(function (v) { return v[0]; }), range, function (sum, r) {
      sum = sum || { people: new Set(), own: 0, fresh: 0 };
      var entry = firstOf.get(r);
      entry[0].forEach(function (p) { if (p < 0) sum.own++; else sum.people.add(p); });
      sum.fresh += entry[1];
      return sum;
    }).filter(function (p) { return p[1].people.size + p[1].own > 0; });
    if (!periods.length) return null;
    var total = 0;
    var counted = periods.map(function (p) {
      var people = p[1].people.size + p[1].own;
      total += people - p[1].fresh;
      return [p[0], people, p[1].fresh];
    });
    var shown = counted.slice(0, audienceOf("maxRows"));
    var values = [];
    [["New", 1], ["Returning", 0]].forEach(function (kind) {
      shown.forEach(function (p) {
        values.push({ period: p[0] + "T00:00:00Z", people: p[1], kind: kind[0],
                      count: kind[1] ? p[2] : p[1] - p[2], period_from: p[0], order: kind[1] });
      });
    });
    var drawn = withData(JSON.parse(JSON.stringify(spec)), "kind", values);
    drawn.title.subtitle = ["People who attended in each period; returning: attended an earlier" +
      " session of these (" + grouped(total) + " in all)."];
    return drawn;
  }

  // charts.series_cohort_chart of metrics.series_cohorts: a series is a webinar with two or
  // more sessions shown, its parts numbered in session order; a later part counts if held.
  function cohorts(spec, rows) {
    var visits = visitsOf(rows);
    if (visits === undefined) return undefined;
    if (!visits || !datasetWith(spec, "later_part")) return spec;
    var people = new Map();
    visits.forEach(function (v) { people.set(v[0], v[1]); });
    var series = new Map();
    rows.slice().sort(sessionOrder).forEach(function (r) {
      var id = webinarOf(r)[0];
      if (id === "") return;
      if (!series.has(id)) series.set(id, []);
      series.get(id).push(r);
    });
    var cells = new Map();  // "first,later" -> [cohort, returned]
    series.forEach(function (parts) {
      if (parts.length < 2) return;
      var cohort = [], firstPart = new Map(), returned = new Map();
      parts.forEach(function (r, k) {
        var part = k + 1;
        (people.get(r) || []).forEach(function (p) {
          if (p < 0 || !firstPart.has(p)) {
            if (p >= 0) firstPart.set(p, part);
            cohort[part] = (cohort[part] || 0) + 1;
          } else if (firstPart.get(p) < part) {
            var key = firstPart.get(p) + "," + part;
            returned.set(key, (returned.get(key) || 0) + 1);
          }
        });
      });
      parts.forEach(function (later, k) {
        if (C.status[later] !== FINISHED) return;
        for (var first = 1; first <= k; first++) {
          var key = first + "," + (k + 1);
          var cell = cells.get(key) || [0, 0];
          cell[0] += cohort[first] || 0;
          cell[1] += returned.get(key) || 0;
          cells.set(key, cell);
        }
      });
    });
    if (!cells.size) return null;
    var values = Array.from(cells.keys()).map(function (key) {
      var parts = key.split(",").map(Number), cell = cells.get(key);
      var share = cell[0] ? cell[1] / cell[0] : null;
      return {
        first_part: parts[0], later_part: parts[1], cohort: cell[0], returned: cell[1],
        share: share === null ? null : embedded(share), first: "First came to part " + parts[0],
        later: "Part " + parts[1], text: share === null ? "–" : Number(fixed(share * 100, 0)) + "%",
      };
    }).sort(function (a, b) { return a.first_part - b.first_part || a.later_part - b.later_part; });
    return withData(JSON.parse(JSON.stringify(spec)), "later_part", values.slice(0, audienceOf("maxRows")));
  }

  // charts.registration_curve_chart of metrics.registration_curve: the Finished sessions
  // shown, the share of their final registrants signed up by each day before the start.
  function registrationCurve(spec, rows) {
    var P = audienceOf("progress");
    if (P === false) return undefined;
    if (!P || !datasetWith(spec, "median_share")) return spec;
    var at = atRows(P);
    var chosen = [];
    rows.forEach(function (r) { (at.get(r) || []).forEach(function (i) { chosen.push(i); }); });
    if (!chosen.length) return null;
    var values = [];
    for (var k = 0; k <= P.maxDays; k++) {
      var sorted = Float64Array.from(chosen.map(function (i) { return P.byDay[i][k] / P.final[i]; })).sort();
      values.push({ days_before: P.maxDays - k, sessions: chosen.length,
                    median_share: embedded(quantile(sorted, 0.5)),
                    p10_share: embedded(quantile(sorted, 0.1)), p90_share: embedded(quantile(sorted, 0.9)) });
    }
    var drawn = withData(JSON.parse(JSON.stringify(spec)), "median_share", values);
    drawn.title.subtitle = ["Over " + countOf(chosen.length, "Finished session") + " with" +
      " registrants: the median share of final registrants signed up by each day; band: 10th to" +
      " 90th percentile."];
    return drawn;
  }

  // charts.forecast_chart: the upcoming sessions shown, in the chart's order.
  function forecast(spec, rows) {
    var F = audienceOf("forecast");
    if (!F || !spec.hconcat) return spec;
    var shown = new Set(rows);
    var chosen = [];
    F.row.forEach(function (r, i) { if (shown.has(r)) chosen.push(i); });
    if (!chosen.length) return null;
    chosen = chosen.slice(0, audienceOf("forecastRows"));
    var drawn = JSON.parse(JSON.stringify(spec));
    [["registrants", 0], ["attendees", 1]].forEach(function (panel) {
      var what = panel[0];
      drawn.datasets[drawn.hconcat[panel[1]].data.name] = chosen.map(function (i, order) {
        return { order: order, label: F.label[i] + " (" + order + ")", basis: F.basis[i],
                 registrants_so_far: F.soFar[i], value: embedded(F[what][i]),
                 low: embedded(F[what + "Low"][i]), high: embedded(F[what + "High"][i]) };
      });
    });
    return drawn;
  }

  var FOLLOWS = {
    "weekday-hour": weekdayHour, overrun: overrun, "start-delay": startDelay, "status-timeline": timeline,
    funnel: funnel, "lead-time": leadTime, retention: retention, "attendance-rate": attendanceRate,
    explore: explore, channels: channels, returning: returning, "series-cohorts": cohorts,
    "on-demand": onDemand, "registration-curve": registrationCurve, forecast: forecast,
  };
  var chartState = {};  // key -> "built" or the filter state it was last drawn for

  function showCharts(detail) {
    var stale = [];
    var drawing = [];
    document.querySelectorAll(".chart-body").forEach(function (target) {
      var key = target.id.replace(/^chart-/, "");
      var figure = target.closest("figure");
      var follow = FOLLOWS[key];
      if (!follow) {
        if (detail.filtered) stale.push(target.getAttribute("data-title"));
        figure.classList.toggle("not-filtered", detail.filtered);
        return;
      }
      var spec = specOf(key);
      if (!spec) return;
      var want = detail.filtered ? follow(spec, detail.rows, detail.range) : spec;
      if (want === undefined) {  // this filter asks for sessions the file's chart does not hold
        stale.push(target.getAttribute("data-title"));
        figure.classList.add("not-filtered");
        if (chartState[key] !== undefined) {
          chartState[key] = undefined;
          drawing.push([key, spec]);
        }
        drawnSpecs[key] = undefined;
        return;
      }
      figure.classList.remove("not-filtered");
      var box = figure.querySelector(".chart-empty");
      if (want === null) {
        target.hidden = true;
        if (!box) {
          box = document.createElement("p");
          box.className = "chart-empty notice";
          box.textContent = "No session of the filter to show here.";
          figure.insertBefore(box, target);
        }
        box.hidden = false;
        drawnSpecs[key] = null;
        return;
      }
      target.hidden = false;
      if (box) box.hidden = true;
      drawnSpecs[key] = want;
      if (!detail.filtered && chartState[key] === undefined) return;  // as built, still drawn
      chartState[key] = detail.filtered ? "filtered" : undefined;
      drawing.push([key, want]);
    });
    var note = document.getElementById("charts-unfiltered");
    if (note) {
      note.hidden = !stale.length;
      note.textContent = "Not filtered yet, showing every session of the report: " + stale.join(", ") + ".";
    }
    return redraw(drawing);
  }

  // Charts in view are drawn at once (the promise settles when they are); the others right
  // after, one at a time nearest first, so the reader sees the page redrawn sooner. A new
  // filter replaces the charts still waiting.
  var waiting = [];
  function inView(key) {
    var box = document.getElementById("chart-" + key).closest("figure").getBoundingClientRect();
    return box.bottom > 0 && box.top < window.innerHeight && box.height > 0;
  }
  function redraw(charts) {
    var now = charts.filter(function (c) { return inView(c[0]); });
    var later = charts.filter(function (c) { return !inView(c[0]); });
    waiting = later;
    later.forEach(function (c) { document.getElementById("chart-" + c[0]).setAttribute("data-rendered", "pending"); });
    var shown = Promise.all(now.map(function (c) { return window.__reportRedraw(c[0], c[1]); }));
    var all = shown.then(function next() {
      if (waiting !== later || !later.length) return undefined;
      var c = later.shift();
      return new Promise(function (done) { setTimeout(done, 0); })
        .then(function () { return waiting === later ? window.__reportRedraw(c[0], c[1]) : undefined; })
        .then(next);
    });
    return { shown: shown, all: all };
  }

  // ---- Selection ------------------------------------------------------------------------
  function days() {
    var first = 0;
    while (first + 1 < data.midnights.length && data.midnights[first + 1] <= data.start) first++;
    var last = data.midnights.length - 2;
    while (last > first && data.midnights[last] >= data.end) last--;
    return { first: first, last: last };
  }

  function state() {
    var span = days();
    var from = dayOf(fromBox.value);
    var to = dayOf(toBox.value);
    if (from === null || from < span.first) from = span.first;
    if (to === null || to > span.last) to = span.last;
    var statuses = statusBoxes.filter(function (box) { return box.checked; }).map(function (box) { return Number(box.value); });
    return {
      from: from, to: to, whole: from === span.first && to === span.last,
      webinar: webinarBox.value.trim(), host: hostBox.value === "" ? -1 : Number(hostBox.value),
      statuses: statuses, allStatuses: statuses.length === statusBoxes.length,
    };
  }

  function select(s) {
    var webinarOk = null;
    if (s.webinar) {
      var needle = s.webinar.toLocaleLowerCase();
      webinarOk = data.webinars.map(function (w) { return w[1].toLocaleLowerCase().indexOf(needle) >= 0; });
    }
    var statusOk = {};
    s.statuses.forEach(function (i) { statusOk[i] = true; });
    var lo = s.whole ? data.start : Math.max(data.start, data.midnights[s.from]);
    var hi = s.whole ? data.end : Math.min(data.end, data.midnights[s.to + 1]);
    var previousFrom = s.whole ? null : data.midnights[Math.max(0, 2 * s.from - s.to - 1)];
    var current = [], previous = [];
    for (var r = 0; r < rowCount; r++) {
      if (webinarOk && !webinarOk[C.webinar[r]]) continue;
      if (s.host >= 0 && C.host[r] !== s.host) continue;
      if (!s.allStatuses && !statusOk[C.status[r]]) continue;
      var minute = C.minute[r];
      if (s.whole) {
        (C.current[r] ? current : previous).push(r);
      } else if (minute >= lo && minute < hi) {
        current.push(r);
      } else if (minute >= previousFrom && minute < lo) {
        previous.push(r);
      }
    }
    return { current: current, previous: previous, previousFrom: previousFrom, range: { lo: lo, hi: hi } };
  }

  function describe(s, shown) {
    var parts = [];
    if (!s.whole) parts.push(dayText(s.from) + " to " + dayText(s.to));
    if (s.webinar) parts.push("webinar title has \u201c" + s.webinar + "\u201d");
    if (s.host >= 0) parts.push("host " + data.hosts[s.host]);
    if (!s.allStatuses) {
      parts.push("status " + (s.statuses.length ? s.statuses.map(function (i) { return data.statuses[i]; }).join(" or ") : "none"));
    }
    var total = countCurrent();
    if (!parts.length) return "All " + grouped(total) + " sessions of the report.";
    return "Showing " + grouped(shown) + " of " + grouped(total) + " sessions: " + parts.join("; ") + ".";
  }
  var currentTotal = null;
  function countCurrent() {
    if (currentTotal === null) {
      currentTotal = 0;
      for (var r = 0; r < rowCount; r++) currentTotal += C.current[r];
    }
    return currentTotal;
  }

  var compared = document.getElementById("kpis-compared");

  function apply() {
    var started = performance.now();
    var s = state();
    var filtered = !(s.whole && !s.webinar && s.host < 0 && s.allStatuses);
    var chosen = select(s);
    var figures = figureRows(chosen.current, chosen.previous, filtered);
    showCards(figures);
    var kpisBox = document.getElementById("kpis");
    var list = kpisBox.querySelector(".kpis");
    setNote("withheld-note", withheldNote(figures), list);
    setNote("rates-note", ratesNote(figures, chosen.current), document.getElementById("withheld-note") || list);
    if (compared) {
      var range = s.whole ? data.previousRange : dayText(2 * s.from - s.to - 1) + " to " + dayText(s.from - 1);
      compared.textContent = "Change against the previous period of equal length (" + range + ", " +
        grouped(chosen.previous.length) + " sessions); pp = percentage points.";
    }
    var inCurrent = new Uint8Array(rowCount);
    chosen.current.forEach(function (r) { inCurrent[r] = 1; });
    var flagged = [];
    var A = data.anomalies;
    for (var a = 0; a < A.session.length; a++) if (inCurrent[A.session[a]]) flagged.push(a);
    document.getElementById("summary").textContent = summary(figures, flagged);
    showAnomalies(flagged);
    showWebinars(chosen.current);
    showRanked(chosen.current);
    stateLine.textContent = describe(s, chosen.current.length);
    document.documentElement.toggleAttribute("data-filtered", filtered);
    var detail = { rows: chosen.current, filtered: filtered, range: chosen.range };
    var drawn = window.__reportRedraw ? showCharts(detail) : { shown: Promise.resolve(), all: Promise.resolve() };
    var applied = String(Number(bar.getAttribute("data-applied") || 0) + 1);
    bar.setAttribute("data-redraw-ms", (performance.now() - started).toFixed(1));
    bar.setAttribute("data-applied", applied);
    // When the charts in view are drawn too: the page as the reader sees it redrawn ...
    drawn.shown.then(function () {
      if (bar.getAttribute("data-applied") !== applied) return;
      bar.setAttribute("data-settled-ms", (performance.now() - started).toFixed(1));
      bar.setAttribute("data-settled", applied);
    });
    // ... and every chart of it.
    drawn.all.then(function () {
      if (bar.getAttribute("data-applied") !== applied) return;
      bar.setAttribute("data-all-drawn-ms", (performance.now() - started).toFixed(1));
      bar.setAttribute("data-all-drawn", applied);
    });
  }

  inflate(block.textContent).then(function (value) {
    data = value;
    C = data.columns;
    rowCount = C.current.length;
    data.paged.forEach(function (id) { paged[id] = true; });
    partsOf = new Intl.DateTimeFormat("en-US", {
      timeZone: data.zone, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    });
    original = data.people;
    var span = days();
    [fromBox, toBox].forEach(function (box) {
      box.min = dayText(span.first);
      box.max = dayText(span.last);
    });
    fromBox.value = dayText(span.first);
    toBox.value = dayText(span.last);
    fromBox.defaultValue = fromBox.value;
    toBox.defaultValue = toBox.value;
    var order = data.hosts.map(function (name, i) { return i; }).sort(function (a, b) {
      return data.hosts[a].localeCompare(data.hosts[b]);
    });
    order.forEach(function (i) {
      var option = document.createElement("option");
      option.value = String(i);
      option.textContent = data.hosts[i];
      hostBox.appendChild(option);
    });
    var suggestions = document.getElementById("filter-webinars");
    var seen = {};
    for (var r = 0; r < rowCount && suggestions.children.length < 200; r++) {
      var title = data.webinars[C.webinar[r]][1];
      if (!C.current[r] || !title || seen[title]) continue;
      seen[title] = true;
      var option = document.createElement("option");
      option.value = title;
      suggestions.appendChild(option);
    }
    statusBoxes = Array.prototype.slice.call(bar.querySelectorAll('input[name="status"]'));
    bar.addEventListener("input", apply);
    bar.addEventListener("change", apply);
    bar.addEventListener("submit", function (event) { event.preventDefault(); });
    bar.addEventListener("reset", function () { setTimeout(apply, 0); });
    bar.hidden = false;
    stateLine.textContent = describe(state(), countCurrent());
    bar.setAttribute("data-ready", "true");
  }).catch(function (error) {
    console.error(error);
  });

  // For the reader's console and the browser tests: the data and the charts drawn under a filter.
  window.__reportFilter = {
    data: function () { return data; },
    drawn: function (key) { return drawnSpecs[key]; },
  };
})();
