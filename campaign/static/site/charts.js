/*
 * SVG charts drawn by the page from API numbers, each readable as a table too.
 * Used by the campaign pages (public tallies) and the dashboard (organizer tallies).
 * window.CampaignCharts.draw(figure, rows, options): rows are [{label, value}];
 * options.kind is "columns" (a series over time) or "bars" (shares, with percentages).
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var grouped = window.CampaignPage.grouped;

  function el(name, attrs, text) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (key) {
      node.setAttribute(key, attrs[key]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function table(rows, options) {
    var t = document.createElement("table");
    var head = t.createTHead().insertRow();
    [options.labelHeading, options.valueHeading].forEach(function (text, i) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = text;
      if (i) th.className = "num";
      head.appendChild(th);
    });
    var body = t.createTBody();
    rows.forEach(function (row) {
      var tr = body.insertRow();
      var th = document.createElement("th");
      th.scope = "row";
      th.textContent = row.label;
      tr.appendChild(th);
      var td = tr.insertCell();
      td.className = "num";
      td.textContent = grouped(row.value, options.grouping);
    });
    return t;
  }

  function columns(rows, max, options) {
    var width = 360, height = 160, bottom = 22, left = 4;
    var svg = el("svg", { viewBox: "0 0 " + width + " " + height, "aria-hidden": "true", focusable: "false" });
    var step = (width - left) / rows.length;
    var bar = Math.min(28, Math.max(1, step * 0.8));
    rows.forEach(function (row, i) {
      var h = max ? Math.round(((height - bottom - 16) * row.value) / max) : 0;
      var x = left + i * step;
      var rect = el("rect", { x: x.toFixed(1), y: height - bottom - h, width: bar.toFixed(1), height: h, fill: "#b3261e" });
      rect.appendChild(el("title", {}, row.label + ": " + row.value));
      svg.appendChild(rect);
    });
    svg.appendChild(el("line", { x1: 0, x2: width, y1: height - bottom, y2: height - bottom, stroke: "#79818c" }));
    if (rows.length) {
      svg.appendChild(el("text", { x: left, y: height - 6 }, rows[0].label));
      svg.appendChild(el("text", { x: width - 4, y: height - 6, "text-anchor": "end" }, rows[rows.length - 1].label));
      svg.appendChild(el("text", { x: left, y: 12 }, grouped(max, options.grouping)));
    }
    return svg;
  }

  function bars(rows, total, grouping) {
    var width = 360, line = 26, labelWidth = 120;
    var height = rows.length * line + 4;
    var svg = el("svg", { viewBox: "0 0 " + width + " " + height, "aria-hidden": "true", focusable: "false" });
    var max = rows.reduce(function (m, row) { return Math.max(m, row.value); }, 0);
    rows.forEach(function (row, i) {
      var y = i * line + 4;
      var w = max ? Math.max(1, Math.round(((width - labelWidth - 80) * row.value) / max)) : 0;
      var share = total ? Math.round((1000 * row.value) / total) / 10 : 0;
      svg.appendChild(el("text", { x: 0, y: y + 16 }, row.label.length > 16 ? row.label.slice(0, 15) + "…" : row.label));
      svg.appendChild(el("rect", { x: labelWidth, y: y + 4, width: w, height: line - 10, fill: "#0b57a4" }));
      svg.appendChild(el("text", { x: labelWidth + w + 6, y: y + 16 }, grouped(row.value, grouping) + " (" + share + "%)"));
    });
    return svg;
  }

  function draw(figure, rows, options) {
    var caption = figure.querySelector("figcaption");
    while (figure.lastChild && figure.lastChild !== caption) figure.removeChild(figure.lastChild);
    if (!rows.length) {
      var empty = document.createElement("p");
      empty.className = "muted";
      empty.textContent = options.empty;
      figure.appendChild(empty);
      figure.setAttribute("data-drawn", "0");
      return;
    }
    var total = rows.reduce(function (sum, row) { return sum + row.value; }, 0);
    var max = rows.reduce(function (m, row) { return Math.max(m, row.value); }, 0);
    var svg = options.kind === "columns" ? columns(rows, max, options) : bars(rows, total, options.grouping);
    figure.appendChild(svg);
    // The table is the chart's text: screen readers and anyone who wants the numbers get it.
    var details = document.createElement("details");
    var summary = document.createElement("summary");
    summary.textContent = options.tableLabel;
    details.appendChild(summary);
    var scroll = document.createElement("div");
    scroll.className = "table-scroll";
    scroll.appendChild(table(rows, options));
    details.appendChild(scroll);
    figure.appendChild(details);
    figure.setAttribute("data-drawn", String(rows.length));
  }

  var regionNames = null;
  function countryName(code, lang, otherLabel) {
    if (code === "other") return otherLabel;
    try {
      regionNames = regionNames || new Intl.DisplayNames([lang, "en"], { type: "region" });
      return regionNames.of(code) || code;
    } catch (e) {
      return code;
    }
  }

  window.CampaignCharts = { draw: draw, countryName: countryName };
})();
