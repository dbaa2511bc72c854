/* immunoviz concept map: one component that every host mounts (the map page, the history page, the
 * notebook widget, the slides).
 *
 *   var map = immunoviz.mountMap(root, data, options)
 *
 * draws the map of `data` (the payload of viz.render.map_payload) with vis-network inside `root`, an
 * element holding the markup of viz.render.render_map_body (its parts are marked data-iv="..."), and
 * adds search, category filters, neighbourhood highlight, a side panel with sources, story steps,
 * history replay, a self-test and keyboard travel. `options`:
 *   page      the map is the page's own (the map page, the history page): body carries its state
 *             (classes and data-*) too, the story keys listen on the whole document, the text version's
 *             "Show on map" buttons work, elements marked data-holds-ready hold body[data-ready]
 *   hash      read and write #step= and #find= in the address
 * The handle it returns is the map's API for its host (see the end of mountMap); it also tells its
 * host what changes, as bubbling "immunoviz:<name>" events on `root` and through map.on(name, fn).
 * Text from the tables is only ever inserted with textContent (never innerHTML), and only http(s)
 * links become hrefs. Nothing is stored or sent anywhere.
 */
(function () {
  "use strict";
  var ns = window.immunoviz = window.immunoviz || {};

  // where start-up time goes, for the benchmark and Chromium's performance panel (immunoviz:* marks)
  function mark(name) { if (window.performance && performance.mark) performance.mark("immunoviz:" + name); }
  mark("script");

function mountMap(root, data, opts) {
  opts = opts || {};
  var dom = ns.dom, el = dom.el, fold = dom.fold;
  var uid = root.getAttribute("data-iv-uid") || "";
  // the document or shadow root the map lives in (a notebook widget may hold it in a shadow root)
  var rootNode = root.getRootNode ? root.getRootNode() : document;
  function byDomId(id) { return (rootNode.getElementById ? rootNode : document).getElementById(id); }
  var $ = function (name) { return root.querySelector('[data-iv="' + name + '"]'); };
  var scope = opts.page ? document : root;  // where the story keys and the "Show on map" buttons are heard
  // the map's state as classes and data-* on its root (and on the page's body, where the page is the map's)
  function cls(name, on) {
    root.classList.toggle(name, on);
    if (opts.page) document.body.classList.toggle(name, on);
  }
  function flag(name, value) {
    root.dataset[name] = value;
    if (opts.page) document.body.dataset[name] = value;
  }
  var listeners = {};
  var G = data.geometry || {};
  // a reader who asks the system for less motion gets the new view at once, without the glide (WCAG 2.3.3)
  function glide(ms) {
    var calm = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    return calm ? false : { duration: ms, easingFunction: "easeInOutQuad" };
  }
  // a small story step is shown large, but not blown up (more so on the presenter's full-width map)
  function maxFitScale() {
    if (opts.maxZoom) return opts.maxZoom;  // a host that shows a step as a slide may blow it up further
    return root.classList.contains("presenter") ? G.maxZoomPresenter || 2.0 : G.maxZoom || 1.25;
  }

  // Start-up does, before the first drawing, only what that drawing needs: the data sets, built once
  // with every node's and edge's visibility already decided (no update of every node after them),
  // and the frame; tooltips are written when the pointer first rests on a concept or link, and the
  // work a reader needs only later waits for the first drawing (see "start" below).
  var relLabels = {}, categoryLabels = {};
  data.relations.forEach(function (r) { relLabels[r.id] = r.label; });
  data.categories.forEach(function (c) { categoryLabels[c.id] = c.label; });
  function relLabel(id) { return relLabels.hasOwnProperty(id) ? relLabels[id] : id; }
  function categoryLabel(id) { return categoryLabels.hasOwnProperty(id) ? categoryLabels[id] : id; }

  // the story: steps 1 to N, then one more place, the whole map (where a map opens, and where End goes).
  // A step whose new concepts lie too far apart to read at once comes in parts, one after another
  // (data.parts, from viz.layout.step_parts: "Step 5 of 5 · 1/2").
  var steps = data.steps.length, WHOLE = steps + 1;
  function partsOf(k) { return (data.parts || {})[k] || null; }
  var state = {
    hidden: {},             // category id -> true when unticked
    step: steps || 0,
    part: 1,                // of a step shown in parts, the part on screen (1, 2, ...)
    year: null,
    selected: null,
    quiz: false,
    score: { right: 0, asked: 0 },
    reveal: null,           // of the concepts the current step brings in, only these (a slide's fragments)
    shown: null,            // only these concepts, over every other filter (a host's exercise)
  };
  var start = opts.hash ? stepFromHash() : null;  // #step=k (or k.p, its part p) opens the story there
  if (steps) state.step = Math.max(1, Math.min(WHOLE, start ? start.step : WHOLE));

  // ---- expand the compact payload into vis-network items
  var shownNow = {};  // node id -> drawn now (what refresh() last told vis-network)
  var edgeHiddenNow = {};
  var nodes = [], visNodes = [], byId = {};
  data.nodes.forEach(function (row) {
    var n = { id: row[0], label: row[1], group: row[2], x: row[3], y: row[4], step: row[5], year: row[6] };
    // vis-network draws a label in the lines the layout wrapped it into
    var item = { id: n.id, label: n.label, group: n.group, x: n.x, y: n.y, step: n.step, year: n.year };
    if (row[7]) Object.keys(row[7]).forEach(function (k) { n[k] = item[k] = row[7][k]; });
    if (n.text) { item.label = n.text; delete item.text; }
    shownNow[n.id] = visible(n);
    item.hidden = !shownNow[n.id];
    nodes.push(n);
    visNodes.push(item);
    byId[n.id] = n;
  });
  var edges = [], visEdges = [];
  data.edges.forEach(function (row, i) {
    var e = { id: "e" + i, from: nodes[row[0]].id, to: nodes[row[1]].id, rel: row[2] };
    var style = data.edgeTypes[row[2]] || {};
    Object.keys(style).forEach(function (k) { e[k] = style[k]; });
    if (row[3]) Object.keys(row[3]).forEach(function (k) { e[k] = row[3][k]; });
    e.unseen = !!e.hidden;  // a relation type this map does not draw (still listed in the panel)
    edges.push(e);
    edgeHiddenNow[e.id] = e.unseen || !(shownNow[e.from] && shownNow[e.to]);
    var item = Object.assign({}, e, { hidden: edgeHiddenNow[e.id] });
    delete item.unseen;
    visEdges.push(item);
  });
  var original = {};  // colours to restore after dimming: the node's own, else its category's
  nodes.forEach(function (n) {
    var g = data.nodeGroups[n.group] || {};
    original[n.id] = { color: n.color || g.color, font: n.font || g.font };
  });

  // the concepts' text fields, in schema order: [column, title, is a list]; the first is the lead (a summary)
  var FIELDS = data.fields || [["summary", "Summary", false]];
  var LEAD = FIELDS.length ? FIELDS[0][0] : null;
  // a concept's lead text: in the payload, or (on a map page, to keep the file small) only in the text
  // version, where it follows the concept's name: <li id="c-ID"><strong>Name</strong>: summary ...
  function summaryOf(id) {
    var c = data.concepts[id];
    if (!LEAD) return "";
    if (c && c[LEAD] !== undefined) return fieldText(c[LEAD]);
    var li = byDomId(uid + "c-" + id), name = li && li.firstElementChild;
    var t = name && name.tagName === "STRONG" ? name.nextSibling : null;
    return t && t.nodeType === 3 ? t.nodeValue.replace(/^:\s*/, "").trim() : "";
  }
  function fieldText(v) { return Array.isArray(v) ? v.join(", ") : v === null || v === undefined ? "" : String(v); }
  // every other text field of a concept that has a value: [title, text]
  function otherFields(id) {
    var c = data.concepts[id] || {}, out = [];
    FIELDS.slice(1).forEach(function (f) {
      var text = fieldText(c[f[0]]);
      if (text) out.push([f[1], text]);
    });
    return out;
  }
  function clip(text, n) { return text.length > n ? text.slice(0, n - 1) + "…" : text; }
  // what a concept is called and a link says where the reader can see them: a host may mask them
  var masks = { concept: {}, link: {} };
  function masked(id) { return masks.concept[id] !== undefined && masks.concept[id] !== null; }
  function nameOf(id) { return masked(id) ? String(masks.concept[id]) : byId[id].label; }
  function verbOf(e) {
    var v = masks.link[e.id];
    return v !== undefined && v !== null ? String(v) : relLabel(e.rel);
  }
  function tooltip(n) {  // plain text: vis-network shows strings with innerText
    if (masked(n.id)) return nameOf(n.id);
    var summary = summaryOf(n.id);
    var lines = [(n.text || n.label) + " (" + categoryLabel(n.group) + ")"];
    if (summary) lines.push(summary);
    otherFields(n.id).forEach(function (f) { lines.push(f[0] + ": " + clip(f[1], 140)); });
    return lines.join("\n");
  }
  function edgeTooltip(e) { return nameOf(e.from) + " " + verbOf(e) + " " + nameOf(e.to); }

  mark("payload");
  var nodeSet = new vis.DataSet(visNodes);
  var edgeSet = new vis.DataSet(visEdges);
  var container = $("canvas");
  var options = data.options;
  options.groups = data.nodeGroups;  // category styles: vis-network's own mechanism
  mark("datasets");
  var network = new vis.Network(container, { nodes: nodeSet, edges: edgeSet }, options);
  mark("network");
  // a tooltip is written when the pointer first comes to rest on its concept or link: vis-network
  // reads a node's title from its options and an edge's from the edge, tooltipDelay after the hover
  var edgeById = {};
  edges.forEach(function (e) { edgeById[e.id] = e; });
  network.on("hoverNode", function (p) {
    var bn = network.body.nodes[p.node];
    if (bn && byId[p.node] && bn.options.title === undefined) bn.options.title = tooltip(byId[p.node]);
  });
  network.on("hoverEdge", function (p) {
    var be = network.body.edges[p.edge];
    if (be && edgeById[p.edge] && be.title === undefined) be.title = edgeTooltip(edgeById[p.edge]);
  });

  // ---- visibility: categories, story step, replay year
  function visible(n) {
    if (state.shown && !state.shown[n.id]) return false;
    if (state.hidden[n.group]) return false;
    if (steps && n.step > state.step) return false;
    if (state.reveal && n.step === state.step && !state.reveal[n.id]) return false;
    if (state.year !== null && n.year !== null && n.year !== undefined && n.year > state.year) return false;
    return true;
  }
  // tell vis-network only what changed: the concepts and links whose visibility did
  function refresh() {
    var nodeChanges = [], edgeChanges = [], count = 0;
    nodes.forEach(function (n) {
      var v = visible(n);
      if (v) count += 1;
      if (v !== shownNow[n.id]) { shownNow[n.id] = v; nodeChanges.push({ id: n.id, hidden: !v }); }
    });
    edges.forEach(function (e) {
      var h = e.unseen || !(shownNow[e.from] && shownNow[e.to]);
      if (h !== edgeHiddenNow[e.id]) { edgeHiddenNow[e.id] = h; edgeChanges.push({ id: e.id, hidden: h }); }
    });
    if (nodeChanges.length) nodeSet.update(nodeChanges);
    if (edgeChanges.length) edgeSet.update(edgeChanges);
    if (state.selected && !shownNow[state.selected]) clearSelection();
    flag("visible", String(count));
  }

  // ---- labels beside glyphs: vis-network draws the labels inside shapes, the page draws the others
  // (beside the glyph on layered maps and rings, below it elsewhere), with a halo, wrapped like Python's
  // viz.layout.wrap; on a map too big to label whole, only its hubs until the reader zooms in
  var SIDES = data.sides || {};
  var FONT = data.options.nodes.font.size, GLYPH = data.options.nodes.size, FACE = data.options.nodes.font.face;
  var GAP = G.gap || 5, LEADING = G.leading || 1.25, HUB_PX = G.hubPx || 14, ALL_PX = G.allPx || 9, REGION_PX = G.regionPx || 20;
  var hubs = {};
  (data.hubs || []).forEach(function (id) { hubs[id] = true; });
  var big = (data.hubs || []).length > 0;
  var labelNow = {};  // what each label says now, in the lines the layout wrapped it into (a "?" in the self-test)
  nodes.forEach(function (n) { labelNow[n.id] = n.text || n.label; });
  var dimmed = {};
  var measurer = document.createElement("canvas").getContext("2d");
  var lineCache = {};
  function labelLines(id) {
    var text = labelNow[id], c = lineCache[id];
    if (c && c.text === text) return c;
    measurer.font = FONT + "px " + FACE;
    var lines = String(text).split("\n");
    var width = 0;
    lines.forEach(function (l) { width = Math.max(width, measurer.measureText(l).width); });
    c = lineCache[id] = { text: text, lines: lines, width: width };
    return c;
  }
  // the rectangle a label takes, in canvas units, drawn f times the normal size
  function labelRect(id, x, y, f) {
    var side = SIDES[id], L = labelLines(id);
    var w = L.width * f, h = L.lines.length * LEADING * FONT * f;
    if (side === "right") return { left: x + GLYPH + GAP, top: y - h / 2, right: x + GLYPH + GAP + w, bottom: y + h / 2 };
    if (side === "left") return { left: x - GLYPH - GAP - w, top: y - h / 2, right: x - GLYPH - GAP, bottom: y + h / 2 };
    return { left: x - w / 2, top: y + GLYPH + GAP, right: x + w / 2, bottom: y + GLYPH + GAP + h };
  }
  // how large a label is drawn: 1 (its size in the layout), more for a hub while the map is zoomed out,
  // 0 when it is not drawn at all
  function labelFactor(id, scale) {
    var px = FONT * scale;
    if (!big || px >= ALL_PX) return px >= 3 ? 1 : 0;
    return shownHubs[id] ? Math.max(1, HUB_PX / px) : 0;
  }
  // while a big map is zoomed out: the best-linked concepts (the payload's hubs, in order) whose labels,
  // at HUB_PX on screen, keep clear of each other and of the regions' names
  var shownHubs = {};
  function chooseHubs(scale) {
    shownHubs = {};
    if (!big || FONT * scale >= ALL_PX) return;
    var taken = Object.keys(regionRects).map(function (k) { return regionRects[k]; });
    var pad = 4 / scale;
    (data.hubs || []).forEach(function (id) {
      var bn = network.body.nodes[id];
      if (!bn || bn.options.hidden) return;
      var r = labelRect(id, bn.x, bn.y, Math.max(1, HUB_PX / (FONT * scale)));
      var clash = taken.some(function (o) {
        return r.left - pad < o.right && o.left < r.right + pad && r.top - pad < o.bottom && o.top < r.bottom + pad;
      });
      if (!clash) { shownHubs[id] = true; taken.push(r); }
    });
  }
  var drawnRects = {};
  function drawLabels(ctx) {
    var scale = network.getScale(), body = network.body.nodes;
    drawnRects = {};
    regionRects = {};
    if (big && FONT * scale < ALL_PX) placeRegions(ctx, scale);
    chooseHubs(scale);
    var r0 = Math.max(GLYPH, 3.5 / scale);  // a glyph stays visible when the map is zoomed far out
    ctx.save();
    ctx.lineJoin = "round";
    ctx.textBaseline = "middle";
    Object.keys(SIDES).forEach(function (id) {
      var bn = body[id];
      if (!bn || bn.options.hidden) return;
      if (SIDES[id] === "chip") { drawChipGlyph(ctx, id, bn); return; }
      var cat = catById[byId[id].group];
      glyph(ctx, cat.shape, bn.x, bn.y, r0, dimmed[id] ? C.dim.background : cat.colour, dimmed[id] ? C.dim.border : C.ink);
      if (state.selected === id) {  // the unseen dot is vis-network's; the selection ring is the page's
        ctx.beginPath();
        ctx.arc(bn.x, bn.y, GLYPH + 4, 0, 2 * Math.PI);
        ctx.lineWidth = 3;
        ctx.strokeStyle = C.ink;
        ctx.stroke();
      }
      var f = labelFactor(id, scale);
      if (!f) return;
      var side = SIDES[id], L = labelLines(id), r = labelRect(id, bn.x, bn.y, f), size = FONT * f;
      ctx.font = (state.selected === id ? "bold " : "") + size + "px " + FACE;
      ctx.textAlign = side === "left" ? "right" : side === "right" ? "left" : "center";
      var x = side === "left" ? r.right : side === "right" ? r.left : (r.left + r.right) / 2;
      ctx.lineWidth = 4 * f;
      ctx.strokeStyle = C.halo;
      ctx.fillStyle = dimmed[id] ? C.dimFont : (original[id].font && original[id].font.color) || C.ink;
      L.lines.forEach(function (line, i) {
        var ly = r.top + (i + 0.5) * LEADING * size;
        ctx.strokeText(line, x, ly);
        ctx.fillText(line, x, ly);
      });
      drawnRects[id] = r;
    });
    drawRegions(ctx, scale);
    ctx.restore();
  }
  // the category's glyph in the room a chip leaves before its label
  var catById = {};
  data.categories.forEach(function (c) { catById[c.id] = c; });
  function drawChipGlyph(ctx, id, bn) {
    var cat = catById[byId[id].group];
    if (!cat || !bn.shape || bn.shape.left === undefined) return;
    var x = bn.shape.left + data.options.nodes.borderWidth + 4 + GLYPH, y = bn.y;
    var fill = dimmed[id] ? C.dim.background : cat.colour, line = dimmed[id] ? C.dim.border : C.ink;
    glyph(ctx, cat.shape, x, y, GLYPH, fill, line);
  }
  // a node shape drawn on the canvas, as in the legend (viz.style.GLYPHS)
  function glyph(ctx, shape, x, y, r, fill, line) {
    ctx.beginPath();
    var i, a;
    if (shape === "square") ctx.rect(x - r * 0.8, y - r * 0.8, 1.6 * r, 1.6 * r);
    else if (shape === "diamond") { ctx.moveTo(x, y - r); ctx.lineTo(x + r, y); ctx.lineTo(x, y + r); ctx.lineTo(x - r, y); }
    else if (shape === "triangle") { ctx.moveTo(x, y - r); ctx.lineTo(x + r, y + 0.8 * r); ctx.lineTo(x - r, y + 0.8 * r); }
    else if (shape === "triangleDown") { ctx.moveTo(x, y + r); ctx.lineTo(x + r, y - 0.8 * r); ctx.lineTo(x - r, y - 0.8 * r); }
    else if (shape === "star") {
      for (i = 0; i < 10; i++) {
        a = (-90 + 36 * i) * Math.PI / 180;
        var k = i % 2 ? 0.42 * r : r;
        if (i) ctx.lineTo(x + k * Math.cos(a), y + k * Math.sin(a)); else ctx.moveTo(x + k * Math.cos(a), y + k * Math.sin(a));
      }
    } else if (shape === "hexagon") {
      for (i = 0; i < 6; i++) {
        a = 60 * i * Math.PI / 180;
        if (i) ctx.lineTo(x + r * Math.cos(a), y + r * Math.sin(a)); else ctx.moveTo(x + r * Math.cos(a), y + r * Math.sin(a));
      }
    } else if (shape === "box" || shape === "dashedBox") {
      ctx.rect(x - 1.1 * r, y - 0.75 * r, 2.2 * r, 1.5 * r);
    } else if (shape === "ellipse") {
      ctx.ellipse(x, y, 1.15 * r, 0.75 * r, 0, 0, 2 * Math.PI);
    } else if (shape === "database") {  // a cylinder: body, then its top rim
      ctx.ellipse(x, y - 0.6 * r, 0.85 * r, 0.3 * r, 0, Math.PI, 0);
      ctx.lineTo(x + 0.85 * r, y + 0.6 * r);
      ctx.ellipse(x, y + 0.6 * r, 0.85 * r, 0.3 * r, 0, 0, Math.PI);
      ctx.lineTo(x - 0.85 * r, y - 0.6 * r);
      ctx.fillStyle = fill; ctx.fill(); ctx.lineWidth = 1.5; ctx.strokeStyle = line; ctx.stroke();
      ctx.beginPath();
      ctx.ellipse(x, y - 0.6 * r, 0.85 * r, 0.3 * r, 0, 0, 2 * Math.PI);
    } else ctx.arc(x, y, 0.85 * r, 0, 2 * Math.PI);
    ctx.closePath();
    ctx.fillStyle = fill;
    ctx.fill();
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = line;
    ctx.stroke();
  }

  // on a big map seen whole, each category's name over its region: click it to zoom in
  var regionRects = {};
  function placeRegions(ctx, scale) {
    var body = network.body.nodes, sums = {};
    nodes.forEach(function (n) {
      var bn = body[n.id];
      if (!bn || bn.options.hidden) return;
      var s = sums[n.group] || (sums[n.group] = { x: 0, y: 0, k: 0 });
      s.x += bn.x; s.y += bn.y; s.k += 1;
    });
    var size = REGION_PX / scale;
    ctx.save();
    ctx.font = "bold " + size + "px " + FACE;
    data.categories.forEach(function (cat) {
      var s = sums[cat.id];
      if (!s) return;
      var x = s.x / s.k, y = s.y / s.k, w = ctx.measureText(cat.label).width;
      var r = { left: x - w / 2, right: x + w / 2, top: y - size / 2, bottom: y + size / 2, label: cat.label };
      var clash = Object.keys(regionRects).some(function (k) {
        var o = regionRects[k];
        return r.left < o.right && o.left < r.right && r.top < o.bottom && o.top < r.bottom;
      });
      if (!clash) regionRects[cat.id] = r;  // a region whose name would cover another's: its hubs speak for it
    });
    ctx.restore();
  }
  function drawRegions(ctx, scale) {
    var size = REGION_PX / scale;
    ctx.font = "bold " + size + "px " + FACE;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.lineWidth = 6 / scale;
    Object.keys(regionRects).forEach(function (k) {
      var r = regionRects[k], x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
      ctx.strokeStyle = C.halo;
      ctx.fillStyle = C.ink;
      ctx.strokeText(r.label, x, y);
      ctx.fillText(r.label, x, y);
    });
  }
  function inRect(r, p) { return r && p.x >= r.left && p.x <= r.right && p.y >= r.top && p.y <= r.bottom; }

  // the box a concept takes on the canvas: its shape, and its label when the page draws it beside
  function nodeBox(id) {
    var b = network.getBoundingBox(id);
    if (!b || !SIDES[id] || SIDES[id] === "chip" || big) return b;
    var p = network.getPosition(id), r = labelRect(id, p.x, p.y, 1);
    return { left: Math.min(b.left, r.left), right: Math.max(b.right, r.right),
             top: Math.min(b.top, r.top), bottom: Math.max(b.bottom, r.bottom) };
  }

  // zoom so that the given concepts are on screen, as large as the map's frame allows, inside the
  // part of it that the caption and year bars (over its bottom and top) leave free
  function frameOf(ids) {
    var box = null;
    ids.forEach(function (id) {
      var b = nodeBox(id);
      if (!b) return;
      box = box ? { left: Math.min(box.left, b.left), right: Math.max(box.right, b.right),
                    top: Math.min(box.top, b.top), bottom: Math.max(box.bottom, b.bottom) } : b;
    });
    if (!box) return null;
    var bottom = $("story") && !$("story").hidden ? $("story").offsetHeight + 8 : 0;
    var top = $("replay") && !$("replay").hidden ? $("replay").offsetHeight + 8 : 0;
    var width = container.clientWidth || 1;
    var free = Math.max(0.5 * (container.clientHeight || 1), (container.clientHeight || 1) - top - bottom);
    var scale = 0.97 * Math.min(width / Math.max(box.right - box.left, 1), free / Math.max(box.bottom - box.top, 1));
    scale = Math.min(scale, maxFitScale());
    return {
      position: { x: (box.left + box.right) / 2, y: (box.top + box.bottom) / 2 + (bottom - top) / 2 / scale },
      scale: scale,
    };
  }
  function fitIds(ids, animate) {
    var target = frameOf(ids);
    if (!target) return;
    if (animate) {
      network.moveTo({ position: target.position, scale: target.scale, animation: glide(400) });
    } else {
      network.moveTo(target);
    }
  }
  function visibleIds() { return nodes.filter(visible).map(function (n) { return n.id; }); }
  function fitVisible(animate) {
    state.frame = null;
    fitIds(visibleIds(), animate);
  }

  // a story step (the last one too) frames what it reveals with the concepts they link to, so that they
  // are large; if that frame is too wide to read, the new concepts alone. Zoom to fit shows the whole map.
  var READABLE_STEP_PX = G.stepPx || 18;
  function stepIds() {
    if (!steps || state.step > steps) return null;
    var groups = partsOf(state.step), part = groups ? setOf(groups[state.part - 1]) : null;
    var fresh = nodes.filter(function (n) { return n.step === state.step && visible(n) && (!part || part[n.id]); })
      .map(function (n) { return n.id; });
    if (!fresh.length) return null;
    var around = {};
    fresh.forEach(function (id) {
      around[id] = true;
      network.getConnectedNodes(id).forEach(function (m) { if (visible(byId[m])) around[m] = true; });
    });
    var wide = Object.keys(around), target = frameOf(wide);
    return target && FONT * target.scale >= READABLE_STEP_PX ? wide : fresh;
  }
  var starting = true;  // while the page sets itself up: the frame is chosen once, at the end
  function frameStep(animate) {
    if (starting) return;
    var ids = stepIds();
    if (!ids) { fitVisible(animate); return; }
    state.frame = ids;
    fitIds(ids, animate);
  }

  // ---- highlight a neighbourhood
  var C = data.colours;  // from viz.style
  var DIM = { background: C.dim.background, border: C.dim.border, highlight: C.dim, hover: C.dim };
  function neighbours(id) {
    var set = {};
    set[id] = true;
    network.getConnectedNodes(id).forEach(function (m) { set[m] = true; });
    return set;
  }
  // a host's own look for some concepts and links (map.setNodeLook, map.setEdgeLook), kept over the highlight
  var nodeLooks = {}, edgeLooks = {}, edgeMode = {};
  function nodeUpdate(n) {
    var o = original[n.id], u = dimmed[n.id] ? { id: n.id, color: DIM, font: { color: C.dimFont } }
                                             : { id: n.id, color: o.color, font: o.font };
    var look = nodeLooks[n.id];
    if (look) Object.keys(look).forEach(function (k) { u[k] = look[k]; });
    return u;
  }
  var EDGE_MODES = { plain: [C.edge, 1.4], on: [C.edgeOn, 2.4], off: [C.edgeOff, 1.2] };
  function edgeUpdate(e, mode) {
    edgeMode[e.id] = mode;
    var u = { id: e.id, color: EDGE_MODES[mode][0], width: EDGE_MODES[mode][1] };
    var look = edgeLooks[e.id];
    if (look) Object.keys(look).forEach(function (k) { u[k] = look[k]; });
    return u;
  }
  function highlight(id) {
    var near = neighbours(id);
    dimmed = {};
    nodes.forEach(function (n) { if (!near[n.id]) dimmed[n.id] = true; });
    nodeSet.update(nodes.map(nodeUpdate));
    edgeSet.update(edges.map(function (e) { return edgeUpdate(e, e.from === id || e.to === id ? "on" : "off"); }));
  }
  function unhighlight() {
    dimmed = {};
    nodeSet.update(nodes.map(nodeUpdate));
    edgeSet.update(edges.map(function (e) { return edgeUpdate(e, "plain"); }));
  }
  function setNodeLook(id, look) {
    var n = byId[id];
    if (!n) return;
    var old = nodeLooks[id];
    if (look) nodeLooks[id] = look; else delete nodeLooks[id];
    var u = nodeUpdate(n), g = data.nodeGroups[n.group] || {};
    if (old) Object.keys(old).forEach(function (k) {  // what the old look set and the new one does not: back to the map's own
      if (u[k] !== undefined) return;
      if (k === "borderWidth") u[k] = data.options.nodes.borderWidth;
      else if (k === "shapeProperties") u[k] = g.shapeProperties || { borderDashes: false };
      else if (k === "label") u[k] = labelNow[id];
    });
    nodeSet.update(u);
  }
  function setEdgeLook(id, look) {
    var e = edgeById[id];
    if (!e) return;
    var old = edgeLooks[id];
    if (look) edgeLooks[id] = look; else delete edgeLooks[id];
    var u = edgeUpdate(e, edgeMode[id] || "plain");
    if (old) Object.keys(old).forEach(function (k) {
      if (u[k] !== undefined) return;
      if (k === "dashes") u[k] = e.dashes || false;
      else if (k === "label") u[k] = null;
    });
    edgeSet.update(u);
  }

  // ---- side panel (built with DOM methods only)
  var panelMaker = null;  // a host's own panel (map.panel(fn)): fn(panel element, concept id or null)
  function showPanel(id, opts) {
    var panel = $("panel");
    var n = byId[id], c = data.concepts[id] || {};
    panel.textContent = "";
    if (panelMaker) { panelMaker(panel, id); return; }
    var hidden = opts && opts.hideName;
    panel.appendChild(el("p", categoryLabel(n.group), "badge badge-" + n.group));
    panel.appendChild(el("h2", hidden ? "Which concept is this?" : nameOf(id)));
    if (hidden) { quizForm(panel, id); return; }
    if (masked(id)) return;  // a masked concept keeps its texts to itself
    // every text field the schema declares, in its order: the lead as it is, the others under their titles
    panel.appendChild(el("p", summaryOf(id), "summary"));
    otherFields(id).forEach(function (f) {
      var p = el("p", null, "field");
      p.appendChild(el("span", f[0] + ": ", "field-title"));
      p.appendChild(document.createTextNode(f[1]));
      panel.appendChild(p);
    });
    var links = edges.filter(function (e) { return (e.from === id || e.to === id) && visible(byId[e.from]) && visible(byId[e.to]); });
    if (links.length) {
      panel.appendChild(el("h3", "Links"));
      var ul = el("ul", null, "links");
      links.forEach(function (e) {
        var li = el("li");
        var outgoing = e.from === id;
        var other = outgoing ? e.to : e.from;
        var b = el("button", nameOf(other), "linklike");
        b.type = "button";
        b.addEventListener("click", function () { select(other, true); });
        if (outgoing) { li.appendChild(document.createTextNode(verbOf(e) + " ")); li.appendChild(b); }
        else { li.appendChild(b); li.appendChild(document.createTextNode(" " + verbOf(e) + " this")); }
        var note = data.notes[e.from + "|" + e.rel + "|" + e.to];
        if (note && note.note && !masked(other) && masks.link[e.id] == null) li.appendChild(el("span", " — " + note.note, "note"));
        ul.appendChild(li);
      });
      panel.appendChild(ul);
    }
    panel.appendChild(el("h3", "Sources"));
    panel.appendChild(dom.sourceList(c.sources, data.sources));
  }
  function clearSelection() {
    state.selected = null;
    state.many = null;
    cls("has-selection", false);
    network.unselectAll();
    unhighlight();
    var panel = $("panel");
    panel.textContent = "";
    if (panelMaker) panelMaker(panel, null);
    else panel.appendChild(el("p", state.quiz ? "Self-test: click any concept and name it." :
      "Click a concept or search for one to see what it is, how it links to the rest, and where the evidence is.", "hint"));
    emit("select", { id: null, ids: [] });
  }
  function select(id, focus, quiet) {
    if (!byId[id]) return;
    state.many = null;
    if (!visible(byId[id])) {  // searching for a hidden concept shows it
      state.hidden[byId[id].group] = false;
      var box = root.querySelector('input[data-category="' + cssEscape(byId[id].group) + '"]');
      if (box) box.checked = true;
      if (steps && (byId[id].step > state.step || state.reveal && !state.reveal[id])) setStep(WHOLE);
      if (state.year !== null && byId[id].year > state.year) setYear(null);
      refresh();
    }
    state.selected = id;
    cls("has-selection", true);
    network.selectNodes([id]);
    highlight(id);
    showPanel(id, { hideName: state.quiz });
    if (focus) network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: glide(350) });
    if (!quiet) emit("select", { id: id, ids: [id], focus: !!focus });
  }
  function cssEscape(s) { return (window.CSS && CSS.escape) ? CSS.escape(s) : String(s).replace(/["\\]/g, "\\$&"); }

  network.on("click", function (params) {
    if (params.nodes.length) { select(params.nodes[0], false); return; }
    var p = params.pointer.canvas;
    var hit = Object.keys(drawnRects).filter(function (id) { return inRect(drawnRects[id], p); })[0];
    if (hit) { select(hit, false); return; }
    var region = Object.keys(regionRects).filter(function (c) { return inRect(regionRects[c], p); })[0];
    if (region) {  // a category's name on a big map seen whole: zoom into its region
      fitIds(nodes.filter(function (n) { return n.group === region && visible(n); }).map(function (n) { return n.id; }), true);
      return;
    }
    clearSelection();
  });
  network.on("afterDrawing", drawLabels);

  // ---- search by label and aliases, with keyboard
  var search = $("search"), results = $("search-results"), active = -1, matches = [];
  function findMatches(q) {
    q = fold(q).trim();
    if (!q) return [];
    var scored = [];
    nodes.forEach(function (n) {
      var names = masked(n.id) ? [nameOf(n.id)] : [n.label].concat((data.concepts[n.id] || {}).aliases || []);
      var best = 99;
      names.forEach(function (name, i) {
        var f = fold(name), at = f.indexOf(q);
        if (at === 0) best = Math.min(best, i ? 1 : 0);
        else if (at > 0) best = Math.min(best, i ? 3 : 2);
      });
      if (best < 99) scored.push([best, nameOf(n.id).toLowerCase(), n.id]);
    });
    scored.sort(function (a, b) { return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0); });
    return scored.slice(0, 10).map(function (s) { return s[2]; });
  }
  function renderResults() {
    results.textContent = "";
    matches.forEach(function (id, i) {
      var li = el("li", state.quiz ? "(hidden in self-test)" : nameOf(id));
      li.id = results.id + "-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", String(i === active));
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(i); });
      results.appendChild(li);
    });
    results.hidden = matches.length === 0;
    search.setAttribute("aria-expanded", String(matches.length > 0));
    if (active >= 0) search.setAttribute("aria-activedescendant", results.id + "-" + active);
    else search.removeAttribute("aria-activedescendant");
  }
  function choose(i) {
    if (i < 0 || i >= matches.length) return;
    select(matches[i], true);
    search.value = state.quiz ? "" : nameOf(matches[i]);
    matches = []; active = -1; renderResults();
  }
  search.addEventListener("input", function () {
    matches = state.quiz ? [] : findMatches(search.value); active = matches.length ? 0 : -1; renderResults();
  });
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") { active = Math.min(active + 1, matches.length - 1); renderResults(); ev.preventDefault(); }
    else if (ev.key === "ArrowUp") { active = Math.max(active - 1, 0); renderResults(); ev.preventDefault(); }
    else if (ev.key === "Enter") { choose(active >= 0 ? active : 0); ev.preventDefault(); }
    else if (ev.key === "Escape") { search.value = ""; matches = []; active = -1; renderResults(); clearSelection(); }
  });
  search.addEventListener("blur", function () { setTimeout(function () { matches = []; renderResults(); }, 150); });

  // ---- legend filters
  Array.prototype.forEach.call(root.querySelectorAll("input[data-category]"), function (box) {
    box.addEventListener("change", function () { state.hidden[box.dataset.category] = !box.checked; refresh(); emitHidden(); });
  });
  function emitHidden() { emit("hidden", { ids: hiddenIds() }); }
  function hiddenIds() { return Object.keys(state.hidden).filter(function (k) { return state.hidden[k]; }).sort(); }
  function setHidden(ids) {
    var want = {};
    (ids || []).forEach(function (k) { want[k] = true; });
    state.hidden = {};
    Array.prototype.forEach.call(root.querySelectorAll("input[data-category]"), function (box) {
      var k = box.dataset.category;
      if (want[k]) state.hidden[k] = true;
      box.checked = !want[k];
    });
    refresh();
    emitHidden();
  }

  // ---- toolbar
  $("fit").addEventListener("click", function () { fitVisible(true); });
  if ($("physics")) $("physics").addEventListener("change", function (ev) { network.setOptions({ physics: { enabled: ev.target.checked } }); });
  // presenter: the map takes the whole width (legend in a strip above it, the panel over it
  // while a concept is selected), so the same layout is drawn larger without labels colliding
  function setPresenter(on) {
    cls("presenter", on);
    if ($("presenter")) $("presenter").checked = on;
    network.setSize("100%", "100%");
    if (!starting) network.redraw();  // at the start, the first drawing is yet to come
    frameStep(false);
    // the legend strip and the map fill the screen (on the history page, the root is the whole layout)
    var layout = root.querySelector(".map-layout") || root;
    if (on && opts.page && layout && layout.scrollIntoView) layout.scrollIntoView({ block: "start" });
  }
  if ($("presenter")) $("presenter").addEventListener("change", function (ev) { setPresenter(ev.target.checked); });
  // the text version's "Show on map" buttons (a map page's are added once the map is drawn: without
  // the script they would do nothing): one listener for them all
  function addShowButtons() {
    if (!opts.page) return;
    Array.prototype.forEach.call(document.querySelectorAll("ul[data-show-on-map] > li[id^='" + uid + "c-']"), function (li) {
      if (li.querySelector(".show-on-map")) return;
      var b = el("button", "Show on map", "show-on-map");
      b.type = "button";
      b.dataset.node = li.id.slice(uid.length + 2);
      li.appendChild(b);
    });
  }
  function onShowButton(ev) {
    var b = ev.target && ev.target.closest ? ev.target.closest(".show-on-map") : null;
    if (!b || !byId[b.dataset.node]) return;
    select(b.dataset.node, true);
    container.scrollIntoView();
  }
  scope.addEventListener("click", onShowButton);

  // ---- story steps
  // step k (its part p of a step in parts; by default the first), as the story's next place: of a step in
  // parts, the concepts of parts 1..p are shown and part p is framed
  function setStep(k, fromHash, p) {
    if (!steps) return;
    state.step = Math.max(1, Math.min(WHOLE, k));
    var groups = partsOf(state.step);
    state.part = groups ? Math.max(1, Math.min(groups.length, p || 1)) : 1;
    state.reveal = groups ? setOf([].concat.apply([], groups.slice(0, state.part))) : null;
    var whole = state.step === WHOLE, part = groups ? " · " + state.part + "/" + groups.length : "";
    $("step-counter").textContent = whole ? "The whole map:" : "Step " + state.step + " of " + steps + part + ":";
    $("caption").textContent = whole ? "all " + steps + " steps together (← goes back through them)." : data.steps[state.step - 1];
    $("prev").disabled = state.step <= 1 && state.part <= 1;
    $("next").disabled = whole;
    flag("step", String(state.step));
    flag("part", String(state.part));
    refresh();
    frameStep(!fromHash);
    emit("step", { step: state.step, part: state.part });
    if (!fromHash && opts.hash && window.history && history.replaceState) {
      var at = whole ? "all" : state.step + (state.part > 1 ? "." + state.part : "");
      try { history.replaceState(null, "", "#step=" + at); } catch (e) { /* sandboxed frame */ }
    }
  }
  // → and ←: the next part of a step in parts, else the next step; back, the last part of the step before
  function forward() {
    var groups = partsOf(state.step);
    if (groups && state.part < groups.length) setStep(state.step, false, state.part + 1);
    else setStep(state.step + 1);
  }
  function back() {
    if (state.part > 1) { setStep(state.step, false, state.part - 1); return; }
    var groups = partsOf(state.step - 1);
    setStep(state.step - 1, false, groups ? groups.length : 1);
  }
  function stepFromHash() {
    var m = /(?:^#|&)step=(?:(\d+)(?:\.(\d+))?|(all))/.exec(location.hash || "");
    if (!m) return null;
    return m[3] ? { step: WHOLE, part: 1 } : { step: parseInt(m[1], 10), part: m[2] ? parseInt(m[2], 10) : 1 };
  }
  function onHash() { var at = stepFromHash(); if (at) setStep(at.step, true, at.part); }
  if (steps) {
    $("prev").addEventListener("click", back);
    $("next").addEventListener("click", forward);
    if (opts.hash) window.addEventListener("hashchange", onHash);
  }
  function onKey(ev) {
    var t = ev.target, tag = t && t.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) return;
    if (container.contains(t)) return;  // on the map the keys travel (keyboard travel, below)
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (ev.key === "/") { search.focus(); ev.preventDefault(); return; }
    if (ev.key === "Escape") { clearSelection(); return; }
    if (!steps || tag === "BUTTON" && (ev.key === " " || ev.key === "Enter")) return;
    if (ev.key === "ArrowRight" || ev.key === " " || ev.key === "PageDown") { forward(); ev.preventDefault(); }
    else if (ev.key === "ArrowLeft" || ev.key === "PageUp") { back(); ev.preventDefault(); }
    else if (ev.key === "Home") { setStep(1); ev.preventDefault(); }
    else if (ev.key === "End") { setStep(WHOLE); ev.preventDefault(); }
  }
  scope.addEventListener("keydown", onKey);

  // ---- history replay
  var years = nodes.map(function (n) { return n.year; }).filter(function (y) { return y !== null && y !== undefined; });
  function setYear(y) {
    var slider = $("year");
    if (!slider) return;
    state.year = y;
    slider.value = String(y === null ? slider.max : y);
    $("year-out").textContent = y === null ? "today" : String(y);
    // "The field as it stood in 1990", "The field as it stands today"
    $("year-lead").textContent = y === null ? "The field as it stands" : "The field as it stood in";
    flag("year", y === null ? "" : String(y));
    refresh();
    emit("year", { year: y });
  }
  if (data.replay && $("year") && years.length) {
    var slider = $("year"), timer = null;
    slider.min = String(Math.min.apply(null, years));
    slider.max = String(Math.max.apply(null, years));
    slider.addEventListener("input", function () {
      var y = parseInt(slider.value, 10);
      setYear(y >= parseInt(slider.max, 10) ? null : y);
    });
    $("play").addEventListener("click", function () {
      if (timer) { clearInterval(timer); timer = null; $("play").textContent = "Play history"; return; }
      var y = parseInt(slider.min, 10);
      $("play").textContent = "Pause";
      setYear(y);
      timer = setInterval(function () {
        y += 1;
        if (y >= parseInt(slider.max, 10)) { clearInterval(timer); timer = null; $("play").textContent = "Play history"; setYear(null); }
        else setYear(y);
      }, 350);
    });
    setYear(null);
  } else if ($("replay")) {
    $("replay").hidden = true;
  }

  // ---- self-test: labels hidden, name the concept, reveal the answer
  function answerMatches(given, id) {
    var g = fold(given).replace(/[^a-z0-9]/g, "");
    if (!g) return false;
    var names = [byId[id].label].concat((data.concepts[id] || {}).aliases || []);
    return names.some(function (name) {
      var f = fold(name).replace(/[^a-z0-9]/g, "");
      var short = fold(name.replace(/\s*\(.*\)\s*/g, " ")).replace(/[^a-z0-9]/g, "");
      return g === f || g === short;
    });
  }
  function quizForm(panel, id) {
    var form = el("form", null, "quiz-form");
    var label = el("label", "Your answer");
    var input = el("input");
    input.type = "text"; input.id = uid + "quiz-answer"; input.autocomplete = "off";
    label.htmlFor = input.id;
    var check = el("button", "Check"); check.type = "submit";
    var reveal = el("button", "Reveal"); reveal.type = "button";
    var out = el("p", "", "quiz-result"); out.setAttribute("aria-live", "polite"); out.id = uid + "quiz-result";
    form.appendChild(label); form.appendChild(input); form.appendChild(check); form.appendChild(reveal);
    panel.appendChild(form); panel.appendChild(out);
    var done = false;
    function finish(correct) {
      if (!done) { state.score.asked += 1; if (correct) state.score.right += 1; done = true; }
      labelNow[id] = byId[id].text || byId[id].label;
      nodeSet.update({ id: id, label: labelNow[id] });
      showPanel(id, { hideName: false });
      var p = $("panel");
      var verdict = el("p", (correct ? "Right: " : "The answer: ") + byId[id].label, correct ? "quiz-right" : "quiz-wrong");
      verdict.id = uid + "quiz-result";
      p.insertBefore(verdict, p.children[2] || null);
      updateScore();
    }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (answerMatches(input.value, id)) finish(true);
      else { out.textContent = "Not quite; try again or reveal the answer."; }
    });
    reveal.addEventListener("click", function () { finish(false); });
    setTimeout(function () { input.focus(); }, 0);
  }
  function updateScore() {
    $("quiz").textContent = state.quiz ? "End self-test (" + state.score.right + " of " + state.score.asked + " right)" : "Self-test";
    flag("score", state.score.right + "/" + state.score.asked);
  }
  $("quiz").addEventListener("click", function () {
    state.quiz = !state.quiz;
    $("quiz").setAttribute("aria-pressed", String(state.quiz));
    cls("quiz", state.quiz);
    nodes.forEach(function (n) { labelNow[n.id] = state.quiz ? "?" : n.text || n.label; });
    nodeSet.update(nodes.map(function (n) { return { id: n.id, label: labelNow[n.id] }; }));
    if (!state.quiz) state.score = { right: 0, asked: 0 };
    updateScore();
    clearSelection();
  });

  // ---- keyboard travel: the map as one composite widget (one Tab stop, role=application)
  // The current concept is vis-network's selected node, chosen with select(), so the panel, the
  // neighbourhood highlight and the tests agree. Travel has a centre: → and ← step through the
  // centre's visible links, clockwise from twelve o'clock (anticlockwise with ←), selecting the
  // concept at the other end; ↓ goes on from that concept (it becomes the centre) and ↑ goes back;
  // Home and End pick the first and last link. Enter opens the panel, Esc leaves the map.
  // Every move is said in the live region #map-status: "PD-1 inhibitors — blocks — PD-1 (2 of 5 links)".
  var travel = { centre: null, edge: null, at: null, path: [], keyboard: false, said: "" };
  function travelName(id) {
    return state.quiz ? "a hidden concept" : nameOf(id);
  }
  function travelLinks(id) {  // the centre's visible links, clockwise from twelve o'clock
    var pos = network.getPositions();
    var here = pos[id];
    var links = edges.filter(function (e) {
      return (e.from === id || e.to === id) && e.from !== e.to && visible(byId[e.from]) && visible(byId[e.to]);
    }).map(function (e) {
      var other = e.from === id ? e.to : e.from, p = pos[other];
      var angle = Math.atan2(p.x - here.x, here.y - p.y);  // 0 at twelve o'clock, growing clockwise
      return { edge: e, other: other, angle: angle < 0 ? angle + 2 * Math.PI : angle };
    });
    links.sort(function (a, b) {
      return a.angle - b.angle || (byId[a.other].label < byId[b.other].label ? -1 : byId[a.other].label > byId[b.other].label ? 1 : 0);
    });
    return links;
  }
  function travelStart() {  // the selected concept, else the visible one with the most links
    if (state.selected && visible(byId[state.selected])) return state.selected;
    var best = null, most = -1;
    nodes.forEach(function (n) {
      if (!visible(n)) return;
      var k = travelLinks(n.id).length;
      if (k > most || (k === most && n.label < byId[best].label)) { best = n.id; most = k; }
    });
    return best;
  }
  function travelSay(text) {
    var status = $("status");
    status.textContent = "";  // a repeated sentence is said again
    travel.said = text;
    window.setTimeout(function () { status.textContent = text; }, 30);
  }
  function travelFreeArea() {  // the part of the map in the window and not under the story or year bar or the presenter's panel
    var box = container.getBoundingClientRect();
    var free = { left: Math.max(0, -box.left), top: Math.max(0, -box.top),  // and inside the window
                 right: Math.min(box.width, window.innerWidth - box.left), bottom: Math.min(box.height, window.innerHeight - box.top) };
    [["story", "bottom"], ["replay", "top"], ["panel", "right"]].forEach(function (cover) {
      var e = $(cover[0]);
      if (!e || e.hidden || !e.offsetParent) return;
      var r = e.getBoundingClientRect();
      if (r.right <= box.left || r.left >= box.right || r.bottom <= box.top || r.top >= box.bottom) return;  // beside the map
      if (cover[1] === "bottom") free.bottom = Math.min(free.bottom, r.top - box.top);
      else if (cover[1] === "top") free.top = Math.max(free.top, r.bottom - box.top);
      else free.right = Math.min(free.right, r.left - box.left);
    });
    return free;
  }
  function travelShow(id) {  // select without zooming; pan only when the concept is out of view
    select(id, false);
    if (state.quiz) window.setTimeout(function () { container.focus(); }, 0);  // the quiz form takes focus
    var at = network.getPositions([id])[id], b = network.getBoundingBox(id), free = travelFreeArea(), margin = 16;
    var tl = network.canvasToDOM({ x: b.left, y: b.top }), br = network.canvasToDOM({ x: b.right, y: b.bottom });
    if (free.right - free.left < 160 || free.bottom - free.top < 160) free = { left: 0, top: 0, right: container.clientWidth, bottom: container.clientHeight };
    if (tl.x < free.left + margin || br.x > free.right - margin || tl.y < free.top + margin || br.y > free.bottom - margin) {
      var scale = network.getScale();  // put the concept in the middle of the free area
      var dx = ((free.left + free.right) / 2 - container.clientWidth / 2) / scale;
      var dy = ((free.top + free.bottom) / 2 - container.clientHeight / 2) / scale;
      network.moveTo({ position: { x: at.x - dx, y: at.y - dy }, scale: scale, animation: glide(300) });
    }
  }
  function travelArrive(id, back) {  // id becomes the centre
    travel.centre = id; travel.edge = null; travel.at = id;
    travelShow(id);
    var n = travelLinks(id).length;
    var what = travelName(id) + (state.quiz ? "" : " (" + categoryLabel(byId[id].group) + ")");
    travelSay((back ? "Back at " : "At ") + what + ": " +
      (n ? n + (n === 1 ? " link." : " links.") : "no links shown on this map."));
  }
  function travelStep(to) {  // to: +1, -1, "first" or "last"
    var links = travelLinks(travel.centre);
    if (!links.length) { travelSay(travelName(travel.centre) + " has no links shown on this map."); return; }
    var i = -1;
    links.forEach(function (l, k) { if (travel.edge && l.edge.id === travel.edge) i = k; });
    if (to === "first") i = 0;
    else if (to === "last") i = links.length - 1;
    else if (i < 0) i = to > 0 ? 0 : links.length - 1;
    else i = (i + to + links.length) % links.length;
    var l = links[i];
    travel.edge = l.edge.id; travel.at = l.other;
    travelShow(l.other);
    travelSay(travelName(l.edge.from) + " — " + verbOf(l.edge) + " — " + travelName(l.edge.to) +
      " (" + (i + 1) + " of " + links.length + (links.length === 1 ? " link)" : " links)"));
  }
  function travelKey(ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    var key = ev.key;
    if (["ArrowRight", "ArrowLeft", "ArrowDown", "ArrowUp", "Home", "End", "Enter", " ", "Escape", "/"].indexOf(key) < 0) return;
    ev.preventDefault();  // no page scrolling, and no story step (the page's keys skip the map)
    travel.keyboard = true;
    if (key === " ") return;
    if (key === "Escape") { travel.keyboard = false; search.focus(); return; }
    if (key === "/") { search.focus(); return; }
    // a click or a search moved the selection: travel on from there
    if (!travel.centre || state.selected !== travel.at || !byId[travel.centre] || !visible(byId[travel.centre])) {
      var start = travelStart();
      if (!start) { travelSay("No concept is shown on the map."); return; }
      travel.path = []; travel.centre = start; travel.edge = null; travel.at = start;
      if (state.selected !== start) travelShow(start);
    }
    if (key === "ArrowRight") travelStep(1);
    else if (key === "ArrowLeft") travelStep(-1);
    else if (key === "Home") travelStep("first");
    else if (key === "End") travelStep("last");
    else if (key === "ArrowDown") {
      if (travel.at === travel.centre) { travelStep(1); return; }
      travel.path.push({ centre: travel.centre, edge: travel.edge });
      travelArrive(travel.at);
    } else if (key === "ArrowUp") {
      var back = travel.path.pop();
      if (!back) { travelSay("This is where you started: " + travelName(travel.centre) + "."); return; }
      travelArrive(back.centre, true);
      travel.edge = back.edge;
    } else if (key === "Enter") {
      var panel = $("panel"), answer = byDomId(uid + "quiz-answer");
      if (answer) answer.focus(); else panel.focus();
    }
    network.redraw();
  }
  function travelRing(ctx) {  // the focus ring: a halo and a ring round the current concept, dashed round the centre
    if (!travel.keyboard || rootNode.activeElement !== container || !state.selected) return;
    var scale = network.getScale();
    function ring(id, width, dashed) {
      var b = network.getBoundingBox(id);
      if (!b) return;
      var pad = 7 / scale;
      var x = b.left - pad, y = b.top - pad, w = b.right - b.left + 2 * pad, h = b.bottom - b.top + 2 * pad;
      var r = Math.min(10 / scale, w / 2, h / 2);
      ctx.beginPath();
      ctx.moveTo(x + r, y); ctx.arcTo(x + w, y, x + w, y + h, r); ctx.arcTo(x + w, y + h, x, y + h, r);
      ctx.arcTo(x, y + h, x, y, r); ctx.arcTo(x, y, x + w, y, r); ctx.closePath();
      ctx.setLineDash(dashed ? [6 / scale, 4 / scale] : []);
      if (!dashed) { ctx.strokeStyle = C.focusHalo; ctx.lineWidth = (width + 4) / scale; ctx.stroke(); }
      ctx.strokeStyle = C.focus; ctx.lineWidth = width / scale; ctx.stroke();
    }
    ctx.save();
    if (travel.centre && travel.centre !== state.selected && byId[travel.centre] && visible(byId[travel.centre])) ring(travel.centre, 2, true);
    ring(state.selected, 4, false);
    ctx.restore();
  }
  function keyboardTravel() {
    var frame = container.querySelector(".vis-network");
    if (frame) frame.removeAttribute("tabindex");  // one Tab stop: the map itself
    container.addEventListener("keydown", travelKey);
    container.addEventListener("focus", function () {
      var byKeyboard = true;
      try { byKeyboard = container.matches(":focus-visible"); } catch (e) { /* an older browser: assume the keyboard */ }
      if (!byKeyboard) return;  // a click selects by itself
      travel.keyboard = true;
      if (travel.centre && travel.at === state.selected && visible(byId[travel.centre]) && travel.said) {
        travelSay(travel.said);  // back from the panel: where we were
      } else {
        var start = travelStart();
        if (!start) { travelSay("No concept is shown on the map."); return; }
        travel.path = [];
        travelArrive(start);
      }
      network.redraw();
    });
    container.addEventListener("blur", function () { network.redraw(); });
    container.addEventListener("mousedown", function () { travel.keyboard = false; });
    $("panel").addEventListener("keydown", function (ev) {  // Esc in the panel returns to the map
      if (ev.key === "Escape" && travel.centre) { ev.stopPropagation(); ev.preventDefault(); container.focus(); }
    });
    network.on("afterDrawing", travelRing);
  }
  keyboardTravel();

  // ---- start
  if (data.presenter || opts.presenter) setPresenter(true);
  if (steps) setStep(state.step, !start, start && start.part);
  else refresh();
  // the frame, before the first drawing: vis-network sized every node when it fitted the map in its
  // constructor, so the first drawing is the framed one (no second drawing to move the view)
  starting = false;
  frameStep(false);
  var framed = { position: network.getViewPosition(), scale: network.getScale() };
  mark("framed");
  network.once("afterDrawing", function () {
    mark("drawn");
    // once drawn, frame again only if the drawing changed the sizes the frame was made of
    var ids = stepIds(), target = frameOf(ids || visibleIds());
    if (target) {
      var near = 0.5 / framed.scale;  // half a pixel
      var moved = Math.abs(target.scale - framed.scale) > 1e-3 * framed.scale ||
        Math.abs(target.position.x - framed.position.x) > near || Math.abs(target.position.y - framed.position.y) > near;
      if (moved) frameStep(false);
    }
    // #find=Label (from the site index) selects that concept
    var find = opts.hash && /(?:^#|&)find=([^&]*)/.exec(location.hash || "");
    if (find) {
      var wanted = fold(decodeURIComponent(find[1]));
      var hit = nodes.filter(function (n) { return fold(n.label) === wanted; })[0];
      if (hit) select(hit.id, true);
    }
    requestAnimationFrame(function () {
      drawn = true;
      mark("frame");
      afterDrawn.splice(0).forEach(function (fn) { fn(); });
      emit("drawn", {});
      announceReady();
    });
    // what the reader needs only later: once the map is on screen (and the text version parsed)
    setTimeout(function () { dom.whenParsed(addShowButtons); }, 0);
  });
  // a picture of the whole map filling the window, for the static PNG: body[data-snapshot="1"] once it is drawn
  function snapshot() {
    flag("snapshot", "0");
    cls("snapshot", true);
    network.setSize("100%", "100%");
    fitVisible(false);
    network.once("afterDrawing", function () { flag("snapshot", "1"); });
    network.redraw();
  }
  // for tests and the other hosts: where a label is drawn, and how many pixels high on screen
  function labelBox(id) {
    var p = network.getPosition(id);
    if (!SIDES[id] || SIDES[id] === "chip") {
      // the shape as drawn: vis-network's getBoundingBox adds the corner radius all round
      var s = network.body.nodes[id].shape;
      if (!s || !s.width) return network.getBoundingBox(id);
      return { left: p.x - s.width / 2, right: p.x + s.width / 2, top: p.y - s.height / 2, bottom: p.y + s.height / 2 };
    }
    var f = labelFactor(id, network.getScale());
    return f ? labelRect(id, p.x, p.y, f) : null;
  }
  function labelPx(id) {
    var scale = network.getScale();
    if (!SIDES[id] || SIDES[id] === "chip") return FONT * scale;
    return FONT * labelFactor(id, scale) * scale;
  }

  // ---- what the map tells its host: a bubbling "immunoviz:<name>" event on its root (the history page
  // listens on the document), and the handle's on(name, fn): "select" {id, ids, focus}, "step" {step},
  // "hidden" {ids}, "year" {year}, "drawn" once the map is first drawn and framed
  function emit(name, detail) {
    (listeners[name] || []).slice().forEach(function (fn) { fn(detail); });
    root.dispatchEvent(new CustomEvent("immunoviz:" + name, { detail: detail, bubbles: true }));
  }
  // lights up any set of concepts like a neighbourhood (null: nothing dimmed)
  function highlightConcepts(ids) {
    if (!ids) { unhighlight(); return; }
    var on = {};
    ids.forEach(function (id) { on[id] = true; });
    dimmed = {};
    nodes.forEach(function (n) { if (!on[n.id]) dimmed[n.id] = true; });
    nodeSet.update(nodes.map(nodeUpdate));
    edgeSet.update(edges.map(function (e) { return edgeUpdate(e, on[e.from] && on[e.to] ? "on" : "off"); }));
  }
  // a page's body[data-ready="1"] also waits for every element marked data-holds-ready: one release() each
  var drawn = false, afterDrawn = [], holding = opts.page ? document.querySelectorAll("[data-holds-ready]").length : 0;
  function announceReady() { if (drawn && holding === 0) flag("ready", "1"); }
  function whenDrawn(fn) { if (drawn) fn(); else afterDrawn.push(fn); }
  function release() { holding = Math.max(0, holding - 1); announceReady(); }
  // several concepts at once (from a host): the first in the panel, all of them lit and framed
  function selectMany(ids, focus) {
    ids = (ids || []).filter(function (id) { return byId[id]; });
    if (!ids.length) { if (state.selected) clearSelection(); return; }
    if (ids.length === 1) { select(ids[0], focus); if (focus) fitIds(ids, true); return; }
    select(ids[0], false, true);
    network.selectNodes(ids);
    highlightConcepts(ids);
    state.many = ids;
    if (focus) fitIds(ids, true);
    emit("select", { id: ids[0], ids: ids, focus: !!focus });
  }
  function selected() {
    if (!state.selected) return [];
    return state.many && state.many[0] === state.selected ? state.many.slice() : [state.selected];
  }
  // ---- what a host may change: which concepts show, what they and their links are called, how they look
  function setOf(ids) {
    if (!ids) return null;
    var set = {};
    ids.forEach(function (id) { set[id] = true; });
    return set;
  }
  function forgetTooltips() {  // written again, from the names now in force, when the pointer next rests
    Object.keys(network.body.nodes).forEach(function (k) { delete network.body.nodes[k].options.title; });
    Object.keys(network.body.edges).forEach(function (k) { delete network.body.edges[k].title; });
  }
  function setLabel(id, text) {
    if (!byId[id]) return;
    labelNow[id] = text === null || text === undefined ? byId[id].text || byId[id].label : String(text);
    nodeSet.update({ id: id, label: labelNow[id] });
  }
  function mask(m) {
    masks = { concept: (m && m.concept) || {}, link: (m && m.link) || {} };
    forgetTooltips();
    if (state.selected) showPanel(state.selected);
    network.redraw();
  }
  function destroy() {
    scope.removeEventListener("keydown", onKey);
    scope.removeEventListener("click", onShowButton);
    if (opts.hash) window.removeEventListener("hashchange", onHash);
    listeners = {};
    network.destroy();
  }

  var handle = {
    root: root, network: network, nodes: nodeSet, edges: edgeSet, state: state, travel: travel, steps: steps,
    select: function (id, focus) {
      if (Array.isArray(id)) selectMany(id, focus);
      else if (id === null || id === undefined) clearSelection();
      else select(id, focus);
    },
    selected: selected,
    clearSelection: clearSelection,
    setStep: setStep,
    step: function () { return state.step; },
    part: function () { return state.part; },
    parts: partsOf,
    setHidden: setHidden,
    hidden: hiddenIds,
    setYear: setYear,
    year: function () { return state.year; },
    highlight: highlightConcepts,
    highlightConcepts: highlightConcepts,
    frame: function (ids, animate) { fitIds(ids, animate); },
    fit: function (animate) { fitVisible(animate); },
    setPresenter: setPresenter,
    snapshot: snapshot,
    labelBox: labelBox,
    labelPx: labelPx,
    nodeBox: nodeBox,
    isDimmed: function (id) { return !!dimmed[id]; },
    redraw: function () { network.redraw(); },
    resize: function () { network.setSize("100%", "100%"); network.redraw(); frameStep(false); },
    whenDrawn: whenDrawn,
    release: release,
    on: function (name, fn) { (listeners[name] = listeners[name] || []).push(fn); },
    destroy: destroy,
    // for hosts that build on the map (a slide's fragments, a student's exercise)
    reveal: function (ids) { state.reveal = setOf(ids); refresh(); },
    setShown: function (ids) { state.shown = setOf(ids); refresh(); },
    concept: function (id) { return data.concepts[id] || {}; },
    links: function () { return edges.map(function (e) { return { id: e.id, from: e.from, to: e.to, rel: e.rel }; }); },
    setLabel: setLabel,
    mask: mask,
    setNodeLook: setNodeLook,
    setEdgeLook: setEdgeLook,
    say: function (text) { if ($("status")) travelSay(text); },
    panel: function (fn) { panelMaker = fn || null; if (state.selected) showPanel(state.selected); else clearSelection(); },
  };
  mounted.push({ handle: handle, data: data, opts: opts });
  plugins.forEach(function (fn) { fn(handle, data, opts); });
  return handle;
}

  // plug-ins: fn(map, data, options) for every map mounted, before or after it: immunoviz.use(fn), or
  // window.immunoviz.plugins = [fn, ...] set before this script runs
  var plugins = (ns.plugins || []).slice(), mounted = [];
  ns.use = function (fn) {
    plugins.push(fn);
    mounted.forEach(function (m) { fn(m.handle, m.data, m.opts); });
  };
  ns.mountMap = mountMap;
  // a map page (or the history page) mounts its one map at once; its handle's methods are also
  // window.immunoviz's own (the tests and the history page's script use them)
  var pageRoot = document.querySelector("[data-iv-page]"), payload = document.getElementById("immunoviz-data");
  if (pageRoot && payload) {
    var handle = mountMap(pageRoot, JSON.parse(payload.textContent), { page: true, hash: true });
    Object.keys(handle).forEach(function (k) { ns[k] = handle[k]; });
  }
})();
