/* immunoviz map widget: the concept map (map.js's mountMap) in a notebook's output, its state kept in
 * step with the Python widget's traitlets (viz.mapwidget.MapWidget), both ways.
 *
 * viz.mapwidget puts this file after a prelude that defines IMMUNOVIZ = { key, styles, load }:
 * load() evaluates vis-network (the bundle pyvis ships), dom.js and map.js once per page and returns
 * { mountMap }; styles is the map's stylesheet. One anywidget module (AFM: export default { render })
 * for JupyterLab, Notebook 7, VS Code, Colab and marimo; nothing is fetched from anywhere.
 *
 * The map lives in a shadow root: the notebook's CSS does not reach it, and its stylesheet (which
 * styles *, a and button) does not reach the notebook. Its keys stay its own: JupyterLab and
 * Notebook 7 leave an element marked data-lm-suppress-shortcuts alone, and other hosts, which listen
 * further up, never see the event.
 */

// for the benchmark (benchmarks/widget.py) and Chromium's performance panel, like map.js's immunoviz:* marks
if (globalThis.performance && performance.mark) performance.mark("immunoviz:widget-module");

function library() {
  const key = Symbol.for(IMMUNOVIZ.key);
  if (!globalThis[key]) globalThis[key] = IMMUNOVIZ.load();
  return globalThis[key];
}

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

function render({ model, el }) {
  // the host hands the widget its element: from here on the time is ours (the benchmark's start)
  if (globalThis.performance && performance.mark) performance.mark("immunoviz:widget-render");
  const lib = library();
  const host = document.createElement("div");
  host.className = "immunoviz-widget";
  host.setAttribute("data-lm-suppress-shortcuts", "true");
  host.addEventListener("keydown", (ev) => ev.stopPropagation());
  host.style.setProperty("--iv-widget-height", model.get("height") + "px");
  el.appendChild(host);
  const shadow = host.attachShadow({ mode: "open" });
  const style = document.createElement("style");
  style.textContent = IMMUNOVIZ.styles;
  shadow.appendChild(style);
  const holder = document.createElement("div");
  holder.innerHTML = model.get("_body");  // viz.render.render_map_body: our template, table text escaped
  shadow.appendChild(holder);
  const root = shadow.querySelector(".iv-map");
  const map = lib.mountMap(root, model.get("_payload"), { hash: false, page: false });
  host.immunovizMap = map;  // the map's handle on its own element (for tests and the browser's console), never global

  // the map -> Python: only what changed, so that Python's own change is not sent back to it
  function push(name, value) {
    if (same(model.get(name), value)) return;
    model.set(name, value);
    model.save_changes();
  }
  map.on("select", () => push("selected", map.selected()));
  map.on("step", () => push("step", map.step()));
  map.on("hidden", () => push("hidden", map.hidden()));
  map.on("year", () => push("year", map.year()));

  // Python -> the map: each setter runs only when the map shows something else
  const pull = {
    selected() {
      const want = model.get("selected");
      if (!same(map.selected(), want)) map.select(want.length ? want : null, true);
    },
    step() {
      if (map.steps && map.step() !== model.get("step")) map.setStep(model.get("step"));
    },
    hidden() {
      const want = model.get("hidden").slice().sort();
      if (!same(map.hidden(), want)) map.setHidden(want);
    },
    year() {
      if (map.year() !== model.get("year")) map.setYear(model.get("year"));
    },
    highlight() {
      const want = model.get("highlight");
      map.highlight(want.length ? want : null);
    },
  };
  // the Python widget's state when this view appears (set before it was shown, or by another view)
  pull.hidden();
  pull.step();
  pull.year();
  if (model.get("selected").length) pull.selected();
  if (model.get("highlight").length) pull.highlight();
  Object.keys(pull).forEach((name) => model.on("change:" + name, pull[name]));
  return () => map.destroy();
}

export default { render };
