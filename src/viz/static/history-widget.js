/* immunoviz history widget: the history page (the therapy map and the timeline, linked) in a notebook's
 * output, its concept, event and year kept in step with the Python widget's traitlets
 * (viz.mapwidget.HistoryWidget), both ways.
 *
 * The page is the self-contained one the site and `immunoviz history` write, in a sandboxed frame (its
 * scripts run; it reaches neither the notebook nor the network). history.js tells its host every change
 * and takes the host's ({immunovizHistory} and {immunovizHistorySet} messages). Nothing is fetched.
 */

function render({ model, el }) {
  const frame = document.createElement("iframe");
  frame.className = "immunoviz-history-widget";
  frame.title = model.get("_title");
  frame.setAttribute("sandbox", "allow-scripts allow-popups allow-popups-to-escape-sandbox");
  frame.style.cssText = `width:100%;height:${model.get("height")}px;border:1px solid ${model.get("_border")};border-radius:8px`;
  frame.srcdoc = model.get("_page");
  el.appendChild(frame);

  let shown = null;  // what the page last said it shows
  function wanted() {
    const selected = model.get("selected");
    return { concept: selected.length ? selected[0] : null, event: model.get("event"), year: model.get("year") };
  }
  function same(a, b) {
    return a.concept === b.concept && a.event === b.event && a.year === b.year;
  }
  let queued = false;
  function send() {  // once for the changes of one cell (h.selected = [...]; h.year = 2015)
    if (queued) return;
    queued = true;
    setTimeout(() => {
      queued = false;
      if (shown && !same(shown, wanted())) frame.contentWindow.postMessage({ immunovizHistorySet: wanted() }, "*");
    }, 50);
  }
  function heard(ev) {
    const now = ev.source === frame.contentWindow && ev.data && ev.data.immunovizHistory;
    if (!now) return;
    const first = shown === null;
    shown = now;
    if (first && !same(now, wanted())) { send(); return; }  // Python's state, set before the page was ready
    const selected = now.concept ? [now.concept] : [];
    if (JSON.stringify(model.get("selected")) !== JSON.stringify(selected)) model.set("selected", selected);
    if (model.get("event") !== now.event) model.set("event", now.event);
    if (model.get("year") !== now.year) model.set("year", now.year);
    model.save_changes();
  }
  window.addEventListener("message", heard);
  ["selected", "event", "year"].forEach((name) => model.on("change:" + name, send));
  return () => window.removeEventListener("message", heard);
}

export default { render };
