// Perennial web app: shared helpers. No framework; uPlot for charts (vendored, MIT).
"use strict";

const Perennial = (() => {
  const keyName = "perennial.apiKey";

  function headers(extra) {
    const h = Object.assign({}, extra || {});
    const key = localStorage.getItem(keyName);
    if (key) h["Authorization"] = "Bearer " + key;
    return h;
  }

  // Asks for the API key once the server says one is needed.
  function askKey() {
    const key = prompt("This server needs an API key (perennial serve --api-key):");
    if (key) localStorage.setItem(keyName, key);
    return !!key;
  }

  async function api(path, options) {
    options = options || {};
    for (let attempt = 0; attempt < 2; attempt++) {
      const init = { method: options.method || "GET", headers: headers(options.body ? { "Content-Type": "application/json" } : {}) };
      if (options.body) init.body = JSON.stringify(options.body);
      if (options.signal) init.signal = options.signal;
      const response = await fetch(path, init);
      if (response.status === 401 && attempt === 0 && askKey()) continue;
      return answer(response.status, await response.text());
    }
  }

  // A page's first data (GET), read synchronously while the page loads: the load event then finds the page drawn,
  // so a plain screenshot (chromium --headless --screenshot) or a print shows the charts. Updates use api().
  function apiNow(path) {
    for (let attempt = 0; attempt < 2; attempt++) {
      const request = new XMLHttpRequest();
      request.open("GET", path, false);
      for (const [name, value] of Object.entries(headers())) request.setRequestHeader(name, value);
      request.send();
      if (request.status === 401 && attempt === 0 && askKey()) continue;
      return answer(request.status, request.responseText);
    }
  }

  // The JSON of an answer, or the server's error message thrown.
  function answer(status, text) {
    let json;
    try { json = JSON.parse(text); } catch (e) { json = null; }
    if (status < 200 || status > 299) throw new Error((json && json.error && json.error.message) || ("HTTP " + status));
    return json;
  }

  // Reads a server-sent-events response (GET or POST) with fetch, so that the API key can travel in a header.
  async function stream(path, options, onEvent) {
    const init = { method: options.method || "GET", headers: headers(options.body ? { "Content-Type": "application/json" } : {}) };
    if (options.body) init.body = JSON.stringify(options.body);
    if (options.signal) init.signal = options.signal;
    let response = await fetch(path, init);
    if (response.status === 401 && askKey()) {
      init.headers = headers(options.body ? { "Content-Type": "application/json" } : {});
      response = await fetch(path, init);
    }
    if (!response.ok) {
      const text = await response.text();
      let message = "HTTP " + response.status;
      try { message = JSON.parse(text).error.message; } catch (e) { /* not JSON */ }
      throw new Error(message);
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = "message";
        const data = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("event:")) name = line.slice(6).trim();
          else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
        }
        if (data.length) onEvent(name, data.join("\n"));
      }
    }
  }

  // A file behind the API (which may need the key) as a local object URL, for img src and links.
  async function blobUrl(path) {
    const response = await fetch(path, { headers: headers() });
    if (!response.ok) throw new Error("HTTP " + response.status + " for " + path);
    return URL.createObjectURL(await response.blob());
  }

  // An image behind the API: loaded directly (so that it delays the page's load event like any image), and through
  // blobUrl, with the key, when the server refuses it without one.
  function image(path, attrs) {
    const img = el("img", Object.assign({ src: path }, attrs));
    img.addEventListener("error", async () => {
      if (img.dataset.retried) return;
      img.dataset.retried = "1";
      try { img.src = await blobUrl(path); } catch (e) { img.alt = String(e.message || e); }
    });
    return img;
  }

  function param(name) {
    return new URLSearchParams(location.search).get(name);
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function fmt(x, digits) {
    if (x === null || x === undefined || Number.isNaN(x)) return "";
    if (typeof x !== "number") return String(x);
    if (Number.isInteger(x) || Math.abs(x) >= 1000) return x.toLocaleString("en-US", { maximumFractionDigits: 0 });
    return x.toPrecision(digits || 4);
  }

  function showError(where, error) {
    where.append(el("p", { class: "error" }, String(error.message || error)));
  }

  function nav() {
    const path = location.pathname;
    const active = path === "/apps" || path.startsWith("/apps/") ? "/apps" : "/" + (path.replace(/^.*\//, "") || "index.html");
    const links = [["/index.html", "Runs & experiments"], ["/models.html", "Models"], ["/playground.html", "Playground"], ["/apps", "Apps"]];
    const header = el("header", {}, el("span", { class: "brand" }, "Perennial"),
      el("nav", {}, ...links.map(([href, text]) => el("a", { href, class: href === active ? "active" : "" }, text))));
    document.body.prepend(header);
  }

  const palette = ["#2f6fde", "#e4572e", "#17a589", "#f1a208", "#8e44ad", "#34495e", "#c0392b", "#16a085"];

  // A number with the fewest significant digits that keeps it apart from its neighbours' labels, so that axis
  // ticks such as 1e-4 and 1.5e-4 never read the same; very small and very large numbers in e-notation.
  function tickLabels(values) {
    for (let digits = 1; digits <= 15; digits++) {
      const labels = values.map(v => tickLabel(v, digits));
      if (labels.every((label, i) => i === 0 || label !== labels[i - 1])) return labels;
    }
    return values.map(String);
  }

  function tickLabel(v, digits) {
    if (v === null || v === undefined) return "";
    if (v === 0) return "0";
    const a = Math.abs(v);
    if (a < 1e-3 || a >= 1e6) {
      const [mantissa, exponent] = v.toExponential(digits - 1).split("e");
      return String(+mantissa) + "e" + (+exponent);
    }
    return (+v.toPrecision(digits)).toLocaleString("en-US", { maximumFractionDigits: 20 });
  }

  // About n round values (1, 2 or 5 times a power of ten apart) covering [min, max].
  function niceTicks(min, max, n) {
    if (!(max > min)) return [min];
    const raw = (max - min) / (n || 5);
    const power = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map(m => m * power).find(s => s >= raw);
    const ticks = [];
    for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(+v.toPrecision(12));
    return ticks;
  }

  // A colour at a given opacity (hex colours of the palette).
  function faded(colour, alpha) {
    return colour + Math.round(alpha * 255).toString(16).padStart(2, "0");
  }

  // A line chart: series are added by name, points keyed by x so re-sent records are not doubled. A series from an
  // earlier run of the lineage (a parent the run continued from) is drawn in its name's colour, faded and dashed.
  // Stage boundaries are marked with a dashed line and the stage's name (elements over the plot, in the DOM).
  // Charts draw at once when asked (draw()), and on the next frame when live data arrives (add()).
  class Chart {
    constructor(container, title, yLabel) {
      this.card = el("div", { class: "card chart", "data-title": title }, el("h3", {}, title));
      this.card.chart = this; // for scripts (and tests) that read what the chart plots: card.chart.plot.data
      container.append(this.card);
      this.yLabel = yLabel;
      this.series = new Map();
      this.colours = new Map();
      this.stages = new Map();
      this.plot = null;
      this.pending = false;
    }
    add(name, x, y, earlier) {
      if (y === null || y === undefined || !Number.isFinite(y)) return;
      const key = earlier ? name + " (" + earlier + ")" : name;
      if (!this.series.has(key)) this.series.set(key, { name, earlier, points: new Map() });
      if (!this.colours.has(name)) this.colours.set(name, palette[this.colours.size % palette.length]);
      this.series.get(key).points.set(x, y);
      this.schedule();
    }
    // The stage `name` began at x (in an earlier run when `earlier` names it).
    stage(x, name, earlier) {
      const key = x + "\u0000" + name;
      if (this.stages.has(key)) return;
      this.stages.set(key, { x, name, earlier });
      this.schedule();
    }
    schedule() {
      if (this.pending) return;
      this.pending = true;
      requestAnimationFrame(() => { if (this.pending) this.draw(); });
    }
    data() {
      const xs = new Set();
      for (const s of this.series.values()) for (const x of s.points.keys()) xs.add(x);
      const sorted = [...xs].sort((a, b) => a - b);
      const rows = [sorted];
      for (const s of this.series.values()) rows.push(sorted.map(x => s.points.has(x) ? s.points.get(x) : null));
      return rows;
    }
    draw() {
      this.pending = false;
      const keys = [...this.series.keys()];
      if (!keys.length) return;
      const data = this.data();
      this.card.dataset.points = String(data[0].length);
      if (this.plot && this.plot.series.length - 1 === keys.length) {
        this.plot.setData(data);
        return;
      }
      if (this.plot) this.plot.destroy();
      const width = Math.max(320, this.card.clientWidth - 24);
      this.plot = new uPlot({
        width, height: 260,
        // the x axis reaches back to the first stage's start, so that every stage's marker and name are seen
        scales: { x: { time: false, range: (u, min, max) => [Math.min(min, ...[...this.stages.values()].map(s => s.x)), max] } },
        axes: [{ label: "step" }, { label: this.yLabel, size: 64, values: (u, splits) => this.yTicks(splits) }],
        series: [{ label: "step" }, ...[...this.series.entries()].map(([key, s]) => this.line(key, s))],
        hooks: { draw: [u => this.markStages(u)] },
      }, data, this.card);
    }
    line(key, s) {
      const colour = this.colours.get(s.name);
      return s.earlier ? { label: key, stroke: faded(colour, 0.45), width: 1.5, dash: [5, 4], spanGaps: true }
        : { label: key, stroke: colour, width: 1.5, spanGaps: true };
    }
    yTicks(splits) {
      const labels = tickLabels(splits);
      this.card.dataset.yTicks = JSON.stringify(labels);
      return labels;
    }
    markStages(u) {
      for (const old of u.over.querySelectorAll(".stage-boundary")) old.remove();
      const { min, max } = u.scales.x;
      for (const s of this.stages.values()) {
        if (s.x < min || s.x > max) continue;
        u.over.append(el("div", { class: "stage-boundary" + (s.earlier ? " earlier" : ""), style: "left:" + u.valToPos(s.x, "x") + "px",
          "data-stage": s.name, "data-x": s.x, title: "stage " + s.name + (s.earlier ? " of " + s.earlier : "") + " begins at step " + s.x },
          el("span", {}, s.name)));
      }
    }
    points() {
      return this.data()[0].length;
    }
  }

  const svgNs = "http://www.w3.org/2000/svg";

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(svgNs, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const child of children) if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
    return node;
  }

  // A marker of a scatter plot: "circle", "square", "triangle" or "diamond", filled or hollow.
  function marker(shape, x, y, colour, filled) {
    const paint = { fill: filled ? colour : "#fff", stroke: colour, "stroke-width": 2, class: "marker", "data-marker": shape };
    const r = 6;
    if (shape === "square") return svg("rect", Object.assign({ x: x - r, y: y - r, width: 2 * r, height: 2 * r }, paint));
    if (shape === "triangle") return svg("polygon", Object.assign({ points: [[x, y - r - 1], [x - r - 1, y + r], [x + r + 1, y + r]].join(" ") }, paint));
    if (shape === "diamond") return svg("polygon", Object.assign({ points: [[x, y - r - 1], [x + r + 1, y], [x, y + r + 1], [x - r - 1, y]].join(" ") }, paint));
    return svg("circle", Object.assign({ cx: x, cy: y, r }, paint));
  }

  // Where a point's label goes: the first of right/left × above/below the point whose box (estimated from the text's
  // length) stays inside [minX, maxX] and overlaps no label placed before; `placed` collects the boxes.
  function labelPlace(text, x, y, placed, minX, maxX) {
    const w = 6.2 * text.length + 4, h = 13;
    const options = [[9, -7, "start"], [9, 16, "start"], [-9, -7, "end"], [-9, 16, "end"], [9, 4, "start"], [-9, 4, "end"]];
    const boxes = options.map(([dx, dy, anchor]) => {
      const bx = anchor === "start" ? x + dx : x + dx - w;
      return { x: x + dx, y: y + dy, anchor, box: [bx, y + dy - h + 3, bx + w, y + dy + 3] };
    });
    const free = b => b.box[0] >= minX && b.box[2] <= maxX
      && !placed.some(o => b.box[0] < o[2] && o[0] < b.box[2] && b.box[1] < o[3] && o[1] < b.box[3]);
    const chosen = boxes.find(free) || boxes.find(b => b.box[0] >= minX && b.box[2] <= maxX) || boxes[0];
    placed.push(chosen.box);
    return chosen;
  }

  // A labelled scatter plot as SVG, drawn at once. points: [{ label, x, y, group }]; groups: { id: { name, shape,
  // colour, filled } }, shown in the legend in their order.
  function scatter({ title, xLabel, yLabel, points, groups }) {
    const W = 900, H = 460, left = 70, right = 300, top = 16, bottom = 52;
    const plotW = W - left - right, plotH = H - top - bottom;
    const range = values => {
      let min = Math.min(...values), max = Math.max(...values);
      const pad = (max - min || Math.abs(max) || 1) * 0.08;
      return [min - pad, max + pad];
    };
    const [x0, x1] = range(points.map(p => p.x)), [y0, y1] = range(points.map(p => p.y));
    const px = x => left + (x - x0) / (x1 - x0) * plotW, py = y => top + plotH - (y - y0) / (y1 - y0) * plotH;
    const figure = svg("svg", { viewBox: "0 0 " + W + " " + H, class: "scatter", role: "img", "aria-label": title });
    figure.append(svg("rect", { x: left, y: top, width: plotW, height: plotH, fill: "#fff", stroke: "#d0d5dd" }));
    const xs = niceTicks(x0, x1, 6), ys = niceTicks(y0, y1, 6);
    tickLabels(xs).forEach((label, i) => figure.append(svg("line", { x1: px(xs[i]), x2: px(xs[i]), y1: top, y2: top + plotH, stroke: "#eef0f3" }),
      svg("text", { x: px(xs[i]), y: top + plotH + 16, "text-anchor": "middle", class: "tick x-tick" }, label)));
    tickLabels(ys).forEach((label, i) => figure.append(svg("line", { x1: left, x2: left + plotW, y1: py(ys[i]), y2: py(ys[i]), stroke: "#eef0f3" }),
      svg("text", { x: left - 6, y: py(ys[i]) + 4, "text-anchor": "end", class: "tick y-tick" }, label)));
    figure.append(svg("text", { x: left + plotW / 2, y: H - 10, "text-anchor": "middle", class: "axis-label" }, xLabel),
      svg("text", { x: 16, y: top + plotH / 2, "text-anchor": "middle", class: "axis-label", transform: "rotate(-90 16 " + (top + plotH / 2) + ")" }, yLabel));
    const placed = [];
    for (const p of [...points].sort((a, b) => py(a.y) - py(b.y))) {
      const g = groups[p.group], label = labelPlace(p.label, px(p.x), py(p.y), placed, left, left + plotW);
      figure.append(svg("g", { class: "point", "data-label": p.label, "data-group": p.group },
        svg("title", {}, p.label + ": " + xLabel + " " + fmt(p.x) + ", " + yLabel + " " + fmt(p.y)),
        marker(g.shape, px(p.x), py(p.y), g.colour, g.filled),
        svg("text", { x: label.x, y: label.y, "text-anchor": label.anchor, class: "point-label" }, p.label)));
    }
    const used = Object.keys(groups).filter(id => points.some(p => p.group === id));
    used.forEach((id, i) => {
      const g = groups[id], y = top + 14 + 22 * i;
      figure.append(svg("g", { class: "legend-entry", "data-group": id }, marker(g.shape, W - right + 22, y, g.colour, g.filled),
        svg("text", { x: W - right + 36, y: y + 4 }, g.name)));
    });
    return figure;
  }

  document.addEventListener("DOMContentLoaded", nav);

  return { api, apiNow, stream, headers, askKey, blobUrl, image, param, el, fmt, showError, Chart, palette, tickLabels, scatter };
})();
