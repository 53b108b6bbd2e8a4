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
      const text = await response.text();
      let json;
      try { json = JSON.parse(text); } catch (e) { json = null; }
      if (!response.ok) throw new Error((json && json.error && json.error.message) || ("HTTP " + response.status));
      return json;
    }
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
    const active = location.pathname.replace(/^.*\//, "") || "index.html";
    const links = [["index.html", "Runs & experiments"], ["models.html", "Models"], ["playground.html", "Playground"]];
    const header = el("header", {}, el("span", { class: "brand" }, "Perennial"),
      el("nav", {}, ...links.map(([href, text]) => el("a", { href, class: href === active ? "active" : "" }, text))));
    document.body.prepend(header);
  }

  const palette = ["#2f6fde", "#e4572e", "#17a589", "#f1a208", "#8e44ad", "#34495e", "#c0392b", "#16a085"];

  // A live line chart: series are added by name; points keyed by x so re-sent records are not doubled.
  class Chart {
    constructor(container, title, yLabel) {
      this.card = el("div", { class: "card chart", "data-title": title }, el("h3", {}, title));
      container.append(this.card);
      this.yLabel = yLabel;
      this.series = new Map();
      this.plot = null;
      this.pending = false;
    }
    add(name, x, y) {
      if (y === null || y === undefined || !Number.isFinite(y)) return;
      if (!this.series.has(name)) this.series.set(name, new Map());
      this.series.get(name).set(x, y);
      this.schedule();
    }
    schedule() {
      if (this.pending) return;
      this.pending = true;
      requestAnimationFrame(() => { this.pending = false; this.draw(); });
    }
    data() {
      const xs = new Set();
      for (const points of this.series.values()) for (const x of points.keys()) xs.add(x);
      const sorted = [...xs].sort((a, b) => a - b);
      const rows = [sorted];
      for (const points of this.series.values()) rows.push(sorted.map(x => points.has(x) ? points.get(x) : null));
      return rows;
    }
    draw() {
      const names = [...this.series.keys()];
      if (!names.length) return;
      const data = this.data();
      this.card.dataset.points = String(data[0].length);
      if (this.plot && this.plot.series.length - 1 === names.length) {
        this.plot.setData(data);
        return;
      }
      if (this.plot) this.plot.destroy();
      const width = Math.max(320, this.card.clientWidth - 24);
      this.plot = new uPlot({
        width, height: 260,
        scales: { x: { time: false } },
        axes: [{ label: "step" }, { label: this.yLabel, size: 60 }],
        series: [{ label: "step" }, ...names.map((n, i) => ({ label: n, stroke: palette[i % palette.length], width: 1.5, spanGaps: true }))],
      }, data, this.card);
    }
    points() {
      return this.data()[0].length;
    }
  }

  document.addEventListener("DOMContentLoaded", nav);

  return { api, stream, blobUrl, param, el, fmt, showError, Chart, palette };
})();
