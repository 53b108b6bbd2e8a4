// A Gradio app's page (/apps/NAME/): drawn from the app's config and run through the app's Gradio API only (GET
// config, POST gradio_api/upload, POST gradio_api/queue/join, the session's gradio_api/queue/data event stream), as
// the official clients use it (gradio-app/gradio client/js/src), so the page is one more client of that API.
// Components follow Gradio's (gradio/components/*.py, js/*): their config props in, their values out.
"use strict";

(() => {
  const { el, headers, askKey, blobUrl, showError } = Perennial;
  const name = decodeURIComponent((location.pathname.match(/^\/apps\/([^/]+)/) || [])[1] || "");
  const root = location.origin + "/apps/" + encodeURIComponent(name);
  const box = document.getElementById("gradio-app");

  // fetch with the API key, asked for once when the server answers 401
  async function call(url, init) {
    init = init || {};
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(url, Object.assign({}, init, { headers: headers(init.headers) }));
      if (response.status === 401 && attempt === 0 && askKey()) continue;
      return response;
    }
  }

  // The JSON answer, or an error with the server's message (Gradio's {"detail"}, Perennial's {"error"}).
  async function json(url, init) {
    const response = await call(url, init);
    const text = await response.text();
    let body = null;
    try { body = JSON.parse(text); } catch (e) { /* not JSON */ }
    if (!response.ok) {
      throw new Error((body && (body.detail || (body.error && body.error.message))) || ("HTTP " + response.status + " from " + url));
    }
    return body;
  }

  // A component's frame: its label above what it shows, as Gradio's Block draws it.
  function block(component, ...children) {
    const props = component.props || {};
    return el("div", { class: "gr-block", "data-component": component.type, "data-id": component.id, "data-label": props.label || "" },
      props.show_label === false ? null : el("span", { class: "gr-label" }, props.label || component.type), ...children);
  }

  // Where a FileData of this app is fetched from: always this page's origin (a config's URLs carry the host the
  // server was reached by, which a proxy may change).
  const fileUrl = value => root + "/gradio_api/file=" + value.path;

  function fileValue(path, file) {
    return { path, url: fileUrl({ path }), orig_name: file.name, size: file.size, mime_type: file.type || null,
      is_stream: false, meta: { _type: "gradio.FileData" } };
  }

  // The file inputs (Gradio's Image and Audio): a file chosen in `file` or dropped on `zone` is uploaded at once and
  // shown by `media` (an <img> or <audio>) from the server's copy; `marked` gets class `has` while a file is held.
  function fileInput(zone, file, remove, media, marked, has) {
    let current = null, pending = Promise.resolve();
    const show = async value => {
      current = value;
      marked.classList.toggle(has, !!value);
      media.removeAttribute("src");
      delete media.dataset.path;
      if (value) {
        media.src = await blobUrl(fileUrl(value));
        media.dataset.path = value.path;
      }
    };
    const upload = chosen => {
      if (!chosen) return;
      pending = (async () => {
        const form = new FormData();
        form.append("files", chosen, chosen.name);
        const paths = await json(root + "/gradio_api/upload", { method: "POST", body: form });
        await show(fileValue(paths[0], chosen));
      })();
      pending.catch(e => page.error(e));
    };
    file.addEventListener("change", () => upload(file.files[0]));
    zone.addEventListener("dragover", e => { e.preventDefault(); zone.classList.add("dragging"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
    zone.addEventListener("drop", e => {
      e.preventDefault();
      zone.classList.remove("dragging");
      upload(e.dataTransfer.files[0]);
    });
    remove.addEventListener("click", () => { file.value = ""; show(null); });
    return { upload, value: async () => { await pending; return current; }, set: v => { pending = show(v); },
      clear: () => { file.value = ""; pending = show(null); } };
  }

  // Input components: each is { node, value() (may wait for an upload), set(value), clear() }.
  const inputs = {
    textbox(c) {
      const area = el("textarea", { rows: c.props.lines || 2, placeholder: c.props.placeholder || "" });
      const initial = c.props.value == null ? "" : c.props.value;
      area.value = initial;
      return { node: block(c, area), field: area, value: async () => area.value, set: v => { area.value = v == null ? "" : v; },
        clear: () => { area.value = initial; } };
    },
    number(c) {
      const input = el("input", { type: "number", step: c.props.step || "any" });
      if (c.props.minimum != null) input.min = c.props.minimum;
      if (c.props.maximum != null) input.max = c.props.maximum;
      const initial = c.props.value;
      input.value = initial == null ? "" : initial;
      return { node: block(c, input), value: async () => input.value === "" ? null : Number(input.value),
        set: v => { input.value = v == null ? "" : v; }, clear: () => { input.value = initial == null ? "" : initial; } };
    },
    slider(c) {
      const p = c.props;
      const range = el("input", { type: "range", min: p.minimum ?? 0, max: p.maximum ?? 100, step: p.step ?? 1 });
      const shown = el("input", { type: "number", class: "gr-slider-value", min: p.minimum ?? 0, max: p.maximum ?? 100, step: p.step ?? 1 });
      const put = v => { range.value = v; shown.value = v; };
      range.addEventListener("input", () => { shown.value = range.value; });
      shown.addEventListener("input", () => { range.value = shown.value; });
      put(p.value ?? p.minimum ?? 0);
      return { node: block(c, el("div", { class: "gr-slider" }, range, shown)), value: async () => Number(range.value), set: put,
        clear: () => put(p.value ?? p.minimum ?? 0) };
    },
    // Gradio's Image: a file dropped or chosen is uploaded at once and shown from the server's copy.
    image(c) {
      const preview = el("img", { class: "gr-image-preview", alt: "" });
      const file = el("input", { type: "file", accept: "image/*" });
      const hint = el("span", { class: "gr-drop-hint" }, "Drop an image here or ", el("u", {}, "click to upload"));
      const remove = el("button", { type: "button", class: "gr-remove", title: "Remove the image" }, "×");
      const zone = el("label", { class: "gr-drop" }, hint, preview, file);
      const frame = block(c, el("div", { class: "gr-image" }, zone, remove));
      const input = fileInput(zone, file, remove, preview, zone, "has-image");
      const ui = { node: frame, value: input.value, set: input.set, clear: input.clear, pointed: null };
      // Perennial's points_to: a click on the previewed image is a point in the original image's pixels, handed to
      // `pointed` (draw adds it to the textbox so labelled) instead of opening the file chooser
      if (c.props.points_to) {
        preview.classList.add("gr-pointable");
        preview.addEventListener("click", e => {
          if (!preview.getAttribute("src") || !preview.naturalWidth) return;
          e.preventDefault();
          const r = preview.getBoundingClientRect();
          const at = (offset, shown, natural) => Math.min(natural - 1, Math.max(0, Math.floor(offset * natural / shown)));
          if (ui.pointed) ui.pointed(at(e.clientX - r.left, r.width, preview.naturalWidth), at(e.clientY - r.top, r.height, preview.naturalHeight));
        });
      }
      return ui;
    },
    // The conversation so far: the chatbot output shows it, and the call's result becomes the next call's history.
    chatbot(c) {
      let history = Array.isArray(c.props.value) ? c.props.value : [];
      return { node: null, history: true, value: async () => history, set: v => { history = Array.isArray(v) ? v : []; },
        clear: () => { history = []; } };
    },
    // Gradio's Audio (type "filepath"): a file chosen or dropped, or a recording from the microphone (the browser's
    // MediaRecorder, WebM/Opus in Chromium), is uploaded at once and played back from the server's copy.
    audio(c) {
      const sources = c.props.sources || ["upload", "microphone"];
      const player = el("audio", { class: "gr-audio-preview", controls: "" });
      const file = el("input", { type: "file", accept: "audio/*" });
      const zone = el("label", { class: "gr-drop" }, el("span", { class: "gr-drop-hint" }, "Drop an audio file here or ",
        el("u", {}, "click to upload")), file);
      const record = el("button", { type: "button", class: "gr-button secondary gr-record", "data-state": "idle" }, "Record");
      const remove = el("button", { type: "button", class: "gr-remove", title: "Remove the audio" }, "×");
      const frame = block(c, el("div", { class: "gr-audio" }, sources.includes("upload") ? zone : null,
        sources.includes("microphone") ? record : null, player, remove));
      const input = fileInput(zone, file, remove, player, frame, "has-audio");
      let recorder = null;
      const stopped = (stream, chunks) => () => {
        stream.getTracks().forEach(t => t.stop());
        const type = (recorder && recorder.mimeType) || "audio/webm";
        recorder = null;
        record.textContent = "Record";
        record.dataset.state = "idle";
        input.upload(new File(chunks, "recording." + (type.includes("ogg") ? "ogg" : "webm"), { type: type.split(";")[0] }));
      };
      record.addEventListener("click", async () => {
        if (recorder) { recorder.stop(); return; }
        if (!navigator.mediaDevices) {
          // browsers offer the microphone to secure pages only (HTTPS, or localhost and 127.0.0.1)
          page.error(new Error("the microphone is offered to secure pages only: open this app over HTTPS or at "
            + "http://localhost, or upload a recording"));
          return;
        }
        try {
          const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
          const chunks = [];
          recorder = new MediaRecorder(stream);
          recorder.addEventListener("dataavailable", e => { if (e.data.size) chunks.push(e.data); });
          recorder.addEventListener("stop", stopped(stream, chunks));
          recorder.start();
          record.textContent = "Stop";
          record.dataset.state = "recording";
        } catch (e) {
          page.error(new Error("the microphone cannot be used: " + e.message));
        }
      });
      return { node: frame, value: input.value, set: input.set, clear: input.clear };
    },
  };

  // Output components: each is { node, show(value), clear() }.
  const outputs = {
    textbox(c) {
      const area = el("textarea", { rows: c.props.lines || 4, readonly: "" });
      return { node: block(c, area), show: v => { area.value = v == null ? "" : v; }, clear: () => { area.value = ""; } };
    },
    // Gradio's Label: the top label large, then every label's confidence as a bar (gradio/js/label).
    label(c) {
      const top = el("h2", { class: "gr-top-label" });
      const list = el("div", { class: "gr-confidences" });
      const show = v => {
        top.textContent = v && v.label != null ? String(v.label) : "";
        list.replaceChildren(...((v && v.confidences) || []).map(({ label, confidence }) => {
          const share = Math.max(0, Math.min(1, confidence));
          return el("div", { class: "gr-confidence", "data-label": label, "data-confidence": confidence },
            el("div", { class: "gr-confidence-text" }, el("span", { class: "gr-confidence-label" }, label),
              el("span", { class: "gr-confidence-value" }, (confidence * 100).toFixed(1) + "%")),
            el("div", { class: "gr-bar-track" }, el("div", { class: "gr-bar", style: "width:" + (share * 100) + "%" })));
        }));
      };
      return { node: block(c, top, list), show, clear: () => show(null) };
    },
    json(c) {
      const pre = el("pre", { class: "gr-json" });
      return { node: block(c, pre), show: v => { pre.textContent = v == null ? "" : JSON.stringify(v, null, 2); },
        clear: () => { pre.textContent = ""; } };
    },
    // Messages {role, content}, each in its bubble.
    chatbot(c) {
      const list = el("div", { class: "gr-chatbot" });
      const show = v => list.replaceChildren(...(Array.isArray(v) ? v : []).map(m =>
        el("div", { class: "gr-message " + m.role, "data-role": m.role }, typeof m.content === "string" ? m.content : JSON.stringify(m.content))));
      return { node: block(c, list), show: v => { show(v); list.scrollTop = list.scrollHeight; }, clear: () => show([]) };
    },
    image(c) {
      const img = el("img", { class: "gr-image-output", alt: "" });
      return { node: block(c, img), show: async v => { if (v) img.src = await blobUrl(fileUrl(v)); else img.removeAttribute("src"); },
        clear: () => img.removeAttribute("src") };
    },
    // Gradio's Gallery: [{image: FileData, caption}] as a grid of pictures, each with its caption under it.
    gallery(c) {
      const grid = el("div", { class: "gr-gallery" });
      const show = async v => grid.replaceChildren(...await Promise.all((Array.isArray(v) ? v : []).map(async item => {
        const img = el("img", { class: "gr-gallery-image", alt: item.caption || "" });
        if (item.image) img.src = await blobUrl(fileUrl(item.image));
        return el("figure", { class: "gr-gallery-item" }, img, el("figcaption", {}, item.caption || ""));
      })));
      return { node: block(c, grid), show, clear: () => grid.replaceChildren() };
    },
    // Gradio's Audio as an output: a player of the returned file.
    audio(c) {
      const player = el("audio", { class: "gr-audio-output", controls: "" });
      const show = async v => {
        player.removeAttribute("src");
        delete player.dataset.path;
        if (v) {
          player.src = await blobUrl(fileUrl(v));
          player.dataset.path = v.path;
        }
      };
      return { node: block(c, player), show, clear: () => show(null) };
    },
  };

  function unsupported(c) {
    return { node: block(c, el("p", { class: "error" }, "This page cannot draw a " + c.type + " component yet; the API still takes it.")),
      value: async () => c.props.value ?? null, set: () => {}, clear: () => {}, show: () => {} };
  }

  // sse_v3 diffs after a call's first process_generating message (client/js/src/utils/stream.ts apply_diff).
  function applyDiff(value, edits) {
    for (const [action, path, v] of edits) {
      if (!path.length) { value = action === "append" ? value + v : v; continue; }
      let target = value;
      for (const key of path.slice(0, -1)) target = target[key];
      const last = path[path.length - 1];
      if (action === "replace") target[last] = v;
      else if (action === "append") target[last] += v;
      else if (action === "add") Array.isArray(target) ? target.splice(Number(last), 0, v) : (target[last] = v);
      else if (action === "delete") Array.isArray(target) ? target.splice(Number(last), 1) : delete target[last];
    }
    return value;
  }

  function randomHash() {
    return Math.random().toString(36).slice(2, 13);
  }

  const page = {
    error(e) {
      this.errorBox.replaceChildren();
      showError(this.errorBox, e);
    },
  };

  function draw(config) {
    const byId = new Map(config.components.map(c => [c.id, c]));
    const dependency = config.dependencies.find(d => d.api_name) || config.dependencies[0];
    const button = byId.get(dependency.targets[0][0]);
    const ins = dependency.inputs.map(id => byId.get(id)).map(c => ({ c, ui: (inputs[c.type] || unsupported)(c) }));
    const outs = dependency.outputs.map(id => byId.get(id)).map(c => ({ c, ui: (outputs[c.type] || unsupported)(c) }));
    ins.filter(i => i.c.props.points_to).forEach(i => {
      const target = ins.find(t => t.ui.field && t.c.props.label === i.c.props.points_to);
      if (target) i.ui.pointed = (x, y) => {
        const text = target.ui.field.value.trim();
        target.ui.field.value = (text ? text + "; " : "") + x + "," + y;
      };
    });
    const chat = outs.some(o => o.c.type === "chatbot") && ins.some(i => i.ui.history);
    const status = el("div", { class: "gr-status", "data-state": "idle" });
    page.errorBox = el("div", { class: "gr-error", role: "alert" });
    const submit = el("button", { type: "button", class: "gr-button primary", id: "submit" }, (button && button.props.value) || "Submit");
    const clear = el("button", { type: "button", class: "gr-button secondary", id: "clear" }, "Clear");
    const buttons = el("div", { class: "gr-buttons" }, clear, submit);
    const shown = ins.filter(i => i.ui.node);
    let body;
    if (chat) {
      // as Gradio's ChatInterface: the conversation, the message box, then the additional inputs folded away
      const [message, ...more] = shown;
      body = el("div", { class: "gr-chat" }, status, ...outs.map(o => o.ui.node), message ? message.ui.node : null, buttons,
        more.length ? el("details", { class: "gr-additional" }, el("summary", {}, "Additional inputs"), ...more.map(i => i.ui.node)) : null);
      if (message && message.ui.field) {
        message.ui.field.addEventListener("keydown", e => {
          if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); submit.click(); }
        });
      }
    } else {
      body = el("div", { class: "gr-row" }, el("div", { class: "gr-column gr-inputs" }, ...shown.map(i => i.ui.node), buttons),
        el("div", { class: "gr-column gr-outputs" }, status, ...outs.map(o => o.ui.node)));
    }
    const dataset = config.components.find(c => c.type === "dataset");
    // replaceChildren would write a null as the text "null": an app without description or examples leaves them out
    box.replaceChildren(...[el("h1", {}, config.title || name), config.description ? el("p", { class: "gr-description" }, config.description) : null,
      page.errorBox, body, dataset ? examples(dataset, ins) : null,
      el("p", { class: "gr-api muted" }, "Use via API: ", el("code", {}, "Client.connect(\"" + root + "/\")"), " then ",
        el("code", {}, "predict(\"/" + dependency.api_name + "\", …)"), " · ", el("a", { href: root + "/gradio_api/info" }, "parameters"))]
      .filter(node => node !== null));

    const history = ins.find(i => i.ui.history);
    clear.addEventListener("click", () => {
      ins.forEach(i => i.ui.clear());
      outs.forEach(o => o.ui.clear());
      page.errorBox.replaceChildren();
      setStatus("idle", "");
    });
    submit.addEventListener("click", async () => {
      submit.disabled = true;
      page.errorBox.replaceChildren();
      try {
        const data = await Promise.all(ins.map(i => i.ui.value()));
        if (chat) {
          const message = data[ins.indexOf(shown[0])];
          outs.find(o => o.c.type === "chatbot").ui.show([...(history ? data[ins.indexOf(history)] : []), { role: "user", content: message }]);
          shown[0].ui.set("");
        }
        const result = await run(dependency, button, data, outs);
        if (chat && result && history) history.ui.set(result[outs.findIndex(o => o.c.type === "chatbot")]);
      } catch (e) {
        setStatus("error", "error");
        page.error(e);
      } finally {
        submit.disabled = false;
      }
    });

    function setStatus(state, text) {
      status.dataset.state = state;
      status.textContent = text;
    }

    // One call: join the queue, then read the session's messages until its completion.
    async function run(dependency, button, data, outs) {
      const session = randomHash();
      setStatus("pending", "joining the queue…");
      const joined = await json(root + "/gradio_api/queue/join", { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ data, fn_index: dependency.id, session_hash: session, event_data: null, trigger_id: button ? button.id : null }) });
      let values = null, started = 0, timer = null, result = null;
      const tick = () => setStatus("processing", "processing | " + ((performance.now() - started) / 1000).toFixed(1) + "s");
      try {
        await Perennial.stream(root + "/gradio_api/queue/data?session_hash=" + session, {}, (event, text) => {
          const m = JSON.parse(text);
          if (m.event_id && m.event_id !== joined.event_id) return;
          switch (m.msg) {
            case "estimation":
              setStatus("queued", "queue: " + (m.rank + 1) + "/" + m.queue_size + (m.rank_eta != null ? " | " + m.rank_eta.toFixed(1) + "s" : ""));
              break;
            case "process_starts":
              started = performance.now();
              tick();
              timer = setInterval(tick, 100);
              break;
            case "progress":
              status.dataset.progress = JSON.stringify(m.progress_data);
              setStatus("processing", "processing | " + (m.progress_data || []).map(p => (p.desc ? p.desc + " " : "") + p.index + "/" + p.length + (p.unit ? " " + p.unit : "")).join(", "));
              break;
            case "process_generating":
              values = values === null ? m.output.data : values.map((v, i) => applyDiff(v, m.output.data[i]));
              values.forEach((v, i) => outs[i].ui.show(v));
              break;
            case "process_completed":
              clearInterval(timer);
              if (m.success) {
                result = m.output.data;
                result.forEach((v, i) => outs[i].ui.show(v));
                setStatus("complete", m.output.duration != null ? m.output.duration.toFixed(2) + "s" : "");
              } else {
                setStatus("error", "error");
                page.error(m.output.error || "the call failed (no message)");
              }
              break;
          }
        });
      } finally {
        clearInterval(timer);
      }
      return result;
    }
  }

  // Gradio's Examples: a table of samples; clicking one fills the inputs it names (the Dataset's component_ids).
  function examples(dataset, ins) {
    const p = dataset.props;
    // a sound is named by its file, as Gradio's audio Example shows it
    const cell = (type, v) => type === "image" && v ? Perennial.image(fileUrl(v), { class: "gr-example-image", alt: v.orig_name || "" })
      : type === "audio" && v ? el("span", { class: "gr-example-audio" }, "♪ " + (v.orig_name || v.path.split("/").pop()))
      : el("span", {}, v == null ? "" : String(v));
    const rows = p.samples.map((sample, n) => el("tr", { class: "gr-sample", "data-index": n, tabindex: "0",
      onclick: () => sample.forEach((v, j) => {
        const input = ins.find(i => i.c.id === p.component_ids[j]);
        if (input) input.ui.set(v);
      }) }, ...sample.map((v, j) => el("td", {}, cell(p.components[j], v)))));
    return el("div", { class: "gr-block gr-examples", "data-component": "dataset" }, el("span", { class: "gr-label" }, p.label || "Examples"),
      el("table", {}, el("tr", {}, ...p.headers.map(h => el("th", {}, h))), ...rows));
  }

  (async () => {
    try {
      const config = await json(root + "/config");
      document.title = (config.title || name) + " · Perennial";
      draw(config);
      box.dataset.ready = "true";
    } catch (e) {
      box.replaceChildren();
      showError(box, e);
    }
  })();
})();
