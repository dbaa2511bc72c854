/* immunoviz history: the therapy map (map.js) and the timeline (plotly.js), each filtering the other, on the
 * history page and in any other host (a notebook's widget):
 *
 *   var history = immunoviz.mountHistory(root, H, figure, map, options)
 *
 * `root` holds viz.render.render_history_body's markup (parts marked data-iv), `H` is
 * viz.history.history_payload's, `figure` the timeline's plotly figure, `map` the handle immunoviz.mountMap
 * returned for the same root; `options` as mountMap's (page: the body carries the state and the keys
 * listen on the document; hash: the address holds the state). The handle it returns chooses a concept, an
 * event or a year and tells its host what changed: history.on("concept" | "event" | "year", fn).
 *
 * Map -> timeline: selecting or searching a concept lights up the events about it (for a class,
 * the events of everything below it) and counts them. Timeline -> map: clicking an event lights up
 * its concepts on the map and shows its summary and sources. One year cursor (map.js's slider, the
 * arrow keys, Play history) shows the map as it stood that year, with that year's events picked out.
 * #concept=ID&year=YYYY&event=ID in the address opens the page in that state, and follows it.
 * Text from the tables is only ever inserted with textContent, and only http(s) links become hrefs.
 * Nothing is stored or sent anywhere.
 */
(function () {
  "use strict";
  var ns = window.immunoviz = window.immunoviz || {};

function mountHistory(root, H, fig, map, opts) {
  opts = opts || {};
  var $ = function (name) { return root.querySelector('[data-iv="' + name + '"]'); };
  var scope = opts.page ? document : root;
  function flag(name, value) {
    root.dataset[name] = value;
    if (opts.page) document.body.dataset[name] = value;
  }
  var listeners = {};
  function emit(name, detail) { (listeners[name] || []).slice().forEach(function (fn) { fn(detail); }); }
  var gd = $("timeline");
  var order = H.order;  // event ids, oldest first (the keys of H.events are sorted by id)
  var first = H.years.length ? H.years[0] : null, last = H.years.length ? H.years[1] : null;
  var state = { concept: null, event: null, year: null };
  var plotted = false, drawn = false, started = false;
  var INK = H.colours.ink, YEAR_FILL = H.colours.yearFill, YEAR_LINE = H.colours.yearLine;  // viz.style's
  var el = ns.dom.el;
  function label(id) { return H.labels[id] || id; }
  function onMap(id) { return !!map.nodes.get(id); }
  function shownOnMap(id) { var n = map.nodes.get(id); return !!n && !n.hidden; }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  function eventsOf(concept) { return concept ? (H.about[concept] || []) : order; }
  function inYear(ids, y) { return ids.filter(function (id) { return H.events[id].year === y; }); }

  // ---- the timeline: plotly draws the figure; the state decides each marker's look
  function fontSizes() {
    var big = root.classList.contains("presenter");
    return { "font.size": big ? 15 : 13, "yaxis.tickfont.size": big ? 14 : 12, "legend.font.size": big ? 13 : 12 };
  }
  var layout = fig.layout;
  var fullRange = layout.xaxis && layout.xaxis.range ? layout.xaxis.range.slice() : null;
  var config = { responsive: true, displaylogo: false, scrollZoom: false,
                 modeBarButtonsToRemove: ["lasso2d", "select2d", "autoScale2d"],
                 toImageButtonOptions: { format: "png", scale: 2, filename: "history" } };
  var markers = [], spans = [];  // trace indices: the events (customdata = event ids), and the bars of dates known to a month or year
  fig.data.forEach(function (t, i) {
    if (t.customdata) markers.push(i);
    else if (t.mode === "lines") spans.push(i);
  });
  var looks = markers.map(function (i) { var m = fig.data[i].marker || {}; return { colour: m.color, size: m.size || 13 }; });

  function styleTimeline() {
    if (!plotted) return;
    var ids = state.concept ? H.about[state.concept] || [] : null, chosen = null;
    if (ids) { chosen = {}; ids.forEach(function (id) { chosen[id] = true; }); }
    var y = state.year;
    var opacity = [], size = [], lineColour = [], lineWidth = [];
    markers.forEach(function (i, k) {
      var t = gd.data[i], base = looks[k];
      opacity.push(t.customdata.map(function (id) {
        var e = H.events[id], o = chosen && !chosen[id] ? 0.12 : 1;
        return y !== null && e.year > y ? o * 0.3 : o;
      }));
      size.push(t.customdata.map(function (id) {
        if (id === state.event) return base.size + 9;
        return y !== null && H.events[id].year === y ? base.size + 6 : base.size;
      }));
      lineColour.push(t.customdata.map(function (id) { return id === state.event ? INK : base.colour; }));
      lineWidth.push(t.customdata.map(function (id) { return id === state.event ? 3.5 : 2; }));
    });
    if (markers.length) {
      Plotly.restyle(gd, { "marker.opacity": opacity, "marker.size": size, "marker.line.color": lineColour,
                           "marker.line.width": lineWidth }, markers);
    }
    if (spans.length) Plotly.restyle(gd, { opacity: chosen || y !== null ? 0.15 : 0.45 }, spans);
    var shapes = y === null ? [] : [{ type: "rect", xref: "x", yref: "paper", x0: y + "-01-01", x1: y + "-12-31",
                                      y0: 0, y1: 1, fillcolor: YEAR_FILL, line: { width: 1, color: YEAR_LINE }, layer: "below" }];
    var update = { shapes: shapes };
    var range = wantedRange();
    if (range) { update["xaxis.range"] = range; update["xaxis.autorange"] = false; }
    Plotly.relayout(gd, update);
    flag("lit", String(ids ? ids.length : order.length));
  }

  // zoom the time axis to the events of the chosen concept (and the year cursor), or back to everything;
  // only when the concept changes, so that a reader's own zoom survives moving the year
  var rangeFor = undefined;
  function wantedRange() {
    var key = state.concept || "";
    var current = gd.layout && gd.layout.xaxis && gd.layout.xaxis.range;
    var y = state.year;
    if (key === rangeFor) {  // same concept: only make sure the year cursor is in view
      if (y === null || !current) return null;
      var lo = String(current[0]).slice(0, 10), hi = String(current[1]).slice(0, 10);
      if (y + "-01-01" >= lo && y + "-12-31" <= hi) return null;
      return [Math.min(y - 2, parseInt(lo, 10)) + "-01-01", Math.max(y + 2, parseInt(hi, 10)) + "-12-31"];
    }
    rangeFor = key;
    if (!state.concept) return fullRange;
    var ids = H.about[state.concept] || [];
    if (!ids.length) return fullRange;
    var a = parseInt(H.events[ids[0]].start, 10), b = a;
    ids.forEach(function (id) { b = Math.max(b, parseInt(H.events[id].end, 10)); });
    if (y !== null) { a = Math.min(a, y); b = Math.max(b, y); }
    var pad = Math.max(2, Math.round((b - a) * 0.06));
    return [(a - pad) + "-01-01", (b + pad) + "-12-31"];
  }

  // ---- the map: the concepts of the chosen event, or the chosen concept and everything below it
  function styleMap() {
    if (!drawn) return;
    var ids = state.event ? H.events[state.event].concepts
            : state.concept ? [state.concept].concat(H.narrower[state.concept] || []) : [];
    ids = ids.filter(onMap);
    // nothing dimmed when none of them is on the map (yet): the panel says so
    if (ids.some(shownOnMap)) map.highlightConcepts(ids);
    else if (!map.state.selected) map.highlightConcepts(null);
  }
  function focusMapOn(ids) {
    var shown = ids.filter(shownOnMap);
    if (!shown.length) return;
    // at once: a second animation started while vis-network still runs the search's focus
    // would leave the first one running on, pulling the view back when it ends
    map.network.fit({ nodes: shown, maxZoomLevel: 1.3, animation: false });
  }

  // ---- the panel and the count
  function eventButton(id, current) {
    var e = H.events[id];
    var b = el("button", null, "linklike event-link");
    b.type = "button";
    b.appendChild(el("span", e.when, "event-when"));
    b.appendChild(document.createTextNode(" " + e.title));
    if (current) b.setAttribute("aria-current", "true");
    b.addEventListener("click", function () { chooseEvent(id, true); });
    return b;
  }
  function eventList(ids) {
    var ol = el("ol", null, "event-list");
    ids.forEach(function (id) {
      var li = el("li");
      var kind = H.kinds[H.events[id].kind] || { label: H.events[id].kind, colour: INK };
      var dot = el("span", null, "kind-dot");
      dot.style.background = kind.colour;
      dot.title = kind.label;
      li.appendChild(dot);
      li.appendChild(eventButton(id, id === state.event));
      if (state.year !== null && H.events[id].year === state.year) li.className = "this-year";
      ol.appendChild(li);
    });
    return ol;
  }
  function conceptPanel(panel) {
    var c = state.concept, ids = eventsOf(c), info = map.concept(c);
    panel.appendChild(el("h2", label(c)));
    if (!shownOnMap(c)) {
      panel.appendChild(el("p", "Not on the map " + (state.year !== null ? "yet in " + state.year : "now") +
                                ": its events are lit on the timeline all the same.", "note"));
    }
    if (info.summary) panel.appendChild(el("p", info.summary, "summary"));
    panel.appendChild(el("p", plural(ids.length, "event") + " about " + label(c), "count"));
    var below = H.narrower[c] || [];
    if (below.length) panel.appendChild(el("p", "Counting the events of " + below.map(label).join(", ") + ".", "counting"));
    if (state.year !== null) {
      var n = inYear(ids, state.year).length;
      panel.appendChild(el("p", n ? n + " of them in " + state.year + ", marked below." : "None of them in " + state.year + ".", "note"));
    }
    panel.appendChild(eventList(ids));
  }
  function eventPanel(panel) {
    var id = state.event, e = H.events[id];
    var list = eventsOf(state.concept), at = list.indexOf(id);
    if (state.concept) {
      var back = el("button", "← All " + plural(list.length, "event") + " about " + label(state.concept), "linklike back");
      back.type = "button";
      back.addEventListener("click", function () { state.event = null; update(); });
      panel.appendChild(back);
    }
    var kind = H.kinds[e.kind] || { label: e.kind };
    panel.appendChild(el("p", kind.label + (e.milestone ? " · milestone" : ""), "badge badge-event"));
    panel.appendChild(el("h2", e.title));
    panel.appendChild(el("p", e.when + (e.precision !== "day" ? " (known to the " + e.precision + ")" : "") +
                              (e.venue ? " · " + e.venue : ""), "when"));
    panel.appendChild(el("p", e.summary, "summary"));
    if (e.note) panel.appendChild(el("p", "Date: " + e.note, "note"));
    if (e.concepts.length) {
      panel.appendChild(el("h3", "About"));
      var ul = el("ul", null, "links");
      e.concepts.forEach(function (c) {
        var li = el("li");
        if (onMap(c)) {
          var b = el("button", label(c), "linklike");
          b.type = "button";
          b.addEventListener("click", function () { chooseConcept(c, true); });
          li.appendChild(b);
        } else {
          li.appendChild(document.createTextNode(label(c)));
          li.appendChild(el("span", " (not on this map)", "note"));
        }
        ul.appendChild(li);
      });
      panel.appendChild(ul);
    }
    panel.appendChild(el("h3", "Sources"));
    panel.appendChild(ns.dom.sourceList(e.sources, H.sources));
    var nav = el("p", null, "event-nav");
    [["◀ Earlier", at - 1], ["Later ▶", at + 1]].forEach(function (pair) {
      var b = el("button", pair[0]);
      b.type = "button";
      b.disabled = pair[1] < 0 || pair[1] >= list.length;
      b.addEventListener("click", function () { if (!b.disabled) chooseEvent(list[pair[1]], true); });
      nav.appendChild(b);
    });
    panel.appendChild(nav);
  }
  function yearPanel(panel) {
    var ids = inYear(order, state.year);
    panel.appendChild(el("h2", "In " + state.year));
    panel.appendChild(el("p", ids.length ? plural(ids.length, "event") + " this year:" :
      "No dated event in " + state.year + ". Move the cursor or press Play history.", "count"));
    if (ids.length) panel.appendChild(eventList(ids));
  }
  function renderPanel() {
    var panel = $("panel");
    if (map.state.quiz && !state.event) return;  // the self-test's question stays where map.js put it
    panel.textContent = "";
    if (state.event) eventPanel(panel);
    else if (state.concept) conceptPanel(panel);
    else if (state.year !== null) yearPanel(panel);
    else {
      panel.appendChild(el("p", "Click a concept on the map or search for one to light up its events on the timeline; " +
        "click an event to see its concepts on the map, its summary and its source.", "hint"));
      panel.appendChild(el("p", "Keys: ← → move the year cursor, Home and End jump, / searches, Esc clears.", "hint keys"));
      var milestones = order.filter(function (id) { return H.events[id].milestone; });
      if (milestones.length) {
        panel.appendChild(el("h3", "Milestones"));
        panel.appendChild(eventList(milestones));
      }
    }
  }
  function renderStatus() {
    var ids = eventsOf(state.concept);
    var text = state.concept ? plural(ids.length, "event") + " about " + label(state.concept)
                             : plural(order.length, "event") + (first !== null ? " from " + first + " to " + last : "");
    if (state.year !== null) text += " · " + inYear(ids, state.year).length + " in " + state.year;
    $("timeline-status").textContent = text;
  }

  // ---- the address: #concept=…&year=…&event=… (written as the state changes, read on load and when edited)
  function hashState() {
    var h = location.hash || "", out = {};
    ["concept", "year", "event"].forEach(function (k) {
      var m = new RegExp("(?:^#|&)" + k + "=([^&]*)").exec(h);
      if (m) out[k] = decodeURIComponent(m[1]);
    });
    return out;
  }
  // a host that holds this page in a frame (the notebook's HistoryWidget, viz.mapwidget) hears its state after
  // every change and may set it: {immunovizHistory: {concept, event, year}} each way, by postMessage
  var toldHost = null, applying = false;  // while the host's state is applied, its steps are not told back one by one
  function tellHost() {
    if (window.parent === window || applying) return;
    var now = { concept: state.concept, event: state.event, year: state.year };
    if (JSON.stringify(now) === toldHost) return;
    toldHost = JSON.stringify(now);
    window.parent.postMessage({ immunovizHistory: now }, "*");
  }
  window.addEventListener("message", function (ev) {
    var wanted = ev.source === window.parent && ev.data && ev.data.immunovizHistorySet;
    if (!wanted || !started) return;
    applying = true;
    try { apply(wanted); } finally { applying = false; }
    tellHost();
  });
  function writeHash() {
    tellHost();
    var parts = [];
    if (state.concept) parts.push("concept=" + encodeURIComponent(state.concept));
    if (state.year !== null) parts.push("year=" + state.year);
    if (state.event) parts.push("event=" + encodeURIComponent(state.event));
    var hash = parts.length ? "#" + parts.join("&") : "";
    if (!opts.hash || (location.hash || "") === hash || !window.history || !history.replaceState) return;
    try { history.replaceState(null, "", hash || location.pathname + location.search); } catch (e) { /* sandboxed frame */ }
  }

  function update() {
    styleTimeline();
    styleMap();
    renderPanel();
    renderStatus();
    flag("concept", state.concept || "");
    flag("event", state.event || "");
    if (started) writeHash();
    ["concept", "event", "year"].forEach(function (k) {  // tell the host what changed
      if (told[k] === state[k]) return;
      told[k] = state[k];
      var detail = {};
      detail[k] = state[k];
      emit(k, detail);
    });
  }

  // ---- choosing: a concept (on the map), an event (on the timeline or in a list), a year (the cursor)
  function chooseConcept(id, focus) {
    if (onMap(id)) map.select(id, focus);  // announces itself: see "immunoviz:select" below
  }
  function chooseEvent(id, focus) {
    if (!H.events[id]) return;
    state.event = id;
    var y = H.events[id].year;
    if (state.year !== y) map.setYear(y);  // the map as it stood then (announces itself)
    update();
    if (focus) focusMapOn(H.events[id].concepts);
  }
  function setYear(y) {
    if (y !== null && first !== null) y = Math.max(first, Math.min(last, y));
    map.setYear(y);
  }
  function clearChoice() {
    state.concept = null; state.event = null;
    if (map.state.selected) map.clearSelection();  // announces itself
    update();
  }
  function clearAll() {
    map.setYear(null);
    clearChoice();
  }

  var told = { concept: null, event: null, year: null };
  var mapSelected = null;  // what map.js last said was selected
  map.on("select", function (detail) {
    var id = detail.id, was = mapSelected;
    mapSelected = id;
    if (id) {
      state.concept = id; state.event = null;
      if (detail.focus) focusMapOn([id].concat(H.narrower[id] || []));  // a search: show the class and its kinds
    } else if (!(state.concept && was === state.concept && !shownOnMap(state.concept))) {
      state.concept = null; state.event = null;  // a concept the year cursor has just hidden keeps its events lit
    }
    update();
  });
  map.on("year", function (detail) {
    state.year = detail.year;
    // a concept that the cursor had hidden is selected again once it is on the map
    if (state.concept && !map.state.selected && shownOnMap(state.concept) && !state.event) { map.select(state.concept, false); return; }
    update();
  });
  $("clear").addEventListener("click", clearAll);
  if (opts.page) {  // the text version's "Show on the timeline" buttons (the page parses them after this script)
    document.addEventListener("click", function (ev) {
      var b = ev.target && ev.target.closest ? ev.target.closest(".show-event") : null;
      if (b) { chooseEvent(b.dataset.event, true); root.scrollIntoView(); }
    });
  }
  $("presenter").addEventListener("change", function () {
    if (plotted) Plotly.relayout(gd, fontSizes());
    // map.js has just fitted the whole map to its new size: bring the choice back into view
    if (state.event) focusMapOn(H.events[state.event].concepts);
    else if (state.concept) focusMapOn([state.concept].concat(H.narrower[state.concept] || []));
  });
  if (window.ResizeObserver) {  // the pane changes size with the window, presenter mode and the narrow layout
    new ResizeObserver(function () { if (plotted) Plotly.Plots.resize(gd); }).observe(gd);
  }

  // keyboard: ← → a year, Page Up / Down ten, Home the first year, End today (map.js has / and Esc)
  scope.addEventListener("keydown", function (ev) {
    if (ev.defaultPrevented || first === null) return;
    var t = ev.target, tag = t && t.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) return;
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    var y = state.year === null ? last + 1 : state.year;
    var steps = { ArrowLeft: -1, ArrowRight: 1, PageUp: -10, PageDown: 10 };
    if (ev.key in steps) {
      y += steps[ev.key];
      setYear(y > last ? null : Math.max(first, y));
    } else if (ev.key === "Home") setYear(first);
    else if (ev.key === "End") setYear(null);
    else if (ev.key === "Escape") { clearChoice(); return; }
    else return;
    ev.preventDefault();
  });

  // ---- start: the year cursor spans the events; then the state the address (or the notebook) asks for
  var slider = $("year");
  if (slider && first !== null) { slider.min = String(first); slider.max = String(last); }
  function apply(wanted) {
    var y = wanted.year !== undefined && wanted.year !== null && wanted.year !== "" ? parseInt(wanted.year, 10) : null;
    var concept = wanted.concept && onMap(wanted.concept) ? wanted.concept : null;
    var event = wanted.event && H.events[wanted.event] ? wanted.event : null;
    state.event = null;
    setYear(isNaN(y) ? null : y);
    if (concept && shownOnMap(concept)) map.select(concept, true);  // announces itself
    else {  // no concept, or one the year hides: its events are lit all the same
      if (map.state.selected) map.clearSelection();
      state.concept = concept;
    }
    if (event) {
      state.event = event;
      if (y === null) map.setYear(H.events[event].year);
      focusMapOn(H.events[event].concepts);
    }
    update();
  }
  function start() {
    if (!plotted || !drawn || started) return;
    var wanted = opts.hash ? hashState() : {};
    if (!Object.keys(wanted).length) wanted = H.start || {};
    // nothing asked for: keep what map.js did (it selects the concept of #find=Label from the site index)
    if (wanted.concept || wanted.event || (wanted.year !== undefined && wanted.year !== null)) apply(wanted);
    else update();
    started = true;
    writeHash();
    if (opts.hash) window.addEventListener("hashchange", function () { apply(hashState()); });
    requestAnimationFrame(function () { map.release(); });  // the timeline holds body[data-ready] (data-holds-ready)
  }
  map.whenDrawn(function () { drawn = true; start(); });  // after map.js's own first fit
  Object.keys(fontSizes()).forEach(function (k) {  // the presenter's larger text, before the first draw
    var path = k.split("."), o = layout;
    for (var i = 0; i < path.length - 1; i++) { o[path[i]] = o[path[i]] || {}; o = o[path[i]]; }
    o[path[path.length - 1]] = fontSizes()[k];
  });
  // as on the chart pages (chart.js): plotly's pictures are hidden from assistive technology, whose
  // readers have the panel and the text version; the tool buttons stay reachable, as a named group
  function accessible() {
    Array.prototype.forEach.call(gd.querySelectorAll("svg.main-svg"), function (svg) {
      svg.setAttribute("aria-hidden", "true");
      svg.setAttribute("focusable", "false");
    });
    var bar = gd.querySelector(".modebar");
    if (bar) { bar.setAttribute("role", "group"); bar.setAttribute("aria-label", "Timeline tools"); }
  }
  function plot() {
    return Plotly.newPlot(gd, fig.data, layout, config).then(function () {
      plotted = true;
      accessible();
      gd.on("plotly_afterplot", accessible);
      gd.on("plotly_click", function (d) {
        var p = d && d.points && d.points[0];
        if (p && typeof p.customdata === "string") chooseEvent(p.customdata, true);
      });
      start();
    });
  }
  function failed(error) {  // the map still works; the panel and the text version list the events
    gd.textContent = "The timeline could not be drawn (" + String((error && error.message) || error) + ").";
    map.release();
  }
  // the map first: plotly.js (held back by the page, viz.render.Script.later) is loaded, and the timeline
  // drawn, only once the map is on screen
  map.whenDrawn(function () {
    setTimeout(function () { ns.dom.loadDeferred("plotly").then(plot).catch(failed); }, 0);
  });

  return {
    state: state, timeline: gd, map: map,
    chooseConcept: function (id, focus) {
      if (id === null || id === undefined) clearChoice();
      else if (onMap(id)) chooseConcept(id, focus);
      else { state.concept = id; state.event = null; update(); }  // not on the map: its events are lit all the same
    },
    chooseEvent: function (id, focus) {
      if (id === null || id === undefined) { state.event = null; update(); } else chooseEvent(id, focus);
    },
    setYear: setYear,
    clear: clearAll,
    on: function (name, fn) { (listeners[name] = listeners[name] || []).push(fn); },
  };
}

  ns.mountHistory = mountHistory;
  // the history page mounts its timeline on the map its page mounted (map.js runs first)
  var pageRoot = document.querySelector("[data-iv-page]"), payload = document.getElementById("immunoviz-history");
  if (pageRoot && payload && ns.network) {
    window.immunovizHistory = mountHistory(pageRoot, JSON.parse(payload.textContent),
      JSON.parse(document.getElementById("immunoviz-figure").textContent), ns, { page: true, hash: true });
  }
})();
