/* immunoviz "Build it": students build the map (issue 28), a plug-in of the map component.
 *
 * Every map mounted with a tools slot in its toolbar (the map page, the notebook widget) gets a
 * "Build it" button beside Self-test. Three levels, chosen with #build=fill|links|skeleton (the student
 * can switch), the blanks chosen by #seed=N (static/exercise.js, which viz.exercise mirrors):
 *   fill      some concept chips are blank; the blanked concepts wait in a parking lot and go back by
 *             drag and drop, by picking a chip and clicking a blank, or by keyboard (each blank's list);
 *   links     some links are drawn without their verb; the student picks each from the map's verbs;
 *   skeleton  only the skeleton is drawn, with its links; the student adds the other concepts (drag
 *             them onto the map, or press them) and draws links with a verb (drag from concept to
 *             concept with "Draw a link", or the "Add a link" form).
 * "Check" scores every proposition (right, other verb, missing, extra), drawn with a colour, a line
 * pattern and a sign (never colour alone) and explained in the panel from the relation's note and
 * sources; "Hint" shows one missing proposition at a time; "Save my map" downloads the result file
 * that `immunoviz grade` reads. The work is kept in this browser's localStorage, one entry per map
 * (immunoviz-build:MAP), so a reload loses nothing; "Start again" clears it. Nothing is sent anywhere.
 * Text from the tables is only inserted as text (textContent, option labels), never as markup.
 */
(function () {
  "use strict";
  var ns = window.immunoviz = window.immunoviz || {};
  var LEVELS = { fill: "Fill in the concepts", links: "Fill in the links", skeleton: "Build from a skeleton" };
  var HELP = {
    fill: "Some concepts are blank. Put each concept from the parking lot in its blank: drag it onto the map, " +
      "or press it and then click its blank, or choose it in the blank's list below.",
    links: "Some links have lost their verb. Choose each one's verb in its list below, or click the link on the map.",
    skeleton: "Only the skeleton is drawn. Add the other concepts (drag them onto the map, or press them), then " +
      "link them: “Draw a link” and drag from one concept to another, or use “Add a link”.",
  };
  var STORE = "immunoviz-build:", QUIET = 300;  // a pause longer than 5 minutes counts 5

  function store() {  // this browser's localStorage, or null where a page may not keep anything
    try { var s = window.localStorage; s.getItem(STORE); return s; } catch (e) { return null; }
  }

  function attach(map, data, opts) {
    var X = ns.exercise, dom = ns.dom, el = dom.el;
    var tools = map.root.querySelector('[data-iv="tools"]');
    if (!X || !tools || !data.id || tools.querySelector('[data-iv="build"]')) return;
    opts = opts || {};
    var $ = function (name) { return map.root.querySelector('[data-iv="' + name + '"]'); };
    var uid = map.root.getAttribute("data-iv-uid") || "";
    var rootNode = map.root.getRootNode ? map.root.getRootNode() : document;
    var pb = X.problem(data), C = data.colours, V = C.verdicts, INK = C.yours;
    var relLabel = {}, edgeOf = {}, home = {};
    data.relations.forEach(function (r) { relLabel[r.id] = r.label; });
    map.links().forEach(function (l) { edgeOf[l.from + "|" + l.rel + "|" + l.to] = l.id; });
    data.nodes.forEach(function (row) { home[row[0]] = { x: row[3], y: row[4] }; });
    function label(id) { return pb.labels[id] || id; }
    function key(p) { return p[0] + "|" + p[1] + "|" + p[2]; }
    function verb(r) { return relLabel[r] || r; }
    function sentence(p) { return label(p[0]) + " — " + verb(p[1]) + " — " + label(p[2]); }
    function byLabel(a, b) {  // as Python sorts them (str.lower), then by id
      var x = label(a).toLowerCase(), y = label(b).toLowerCase();
      return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
    }

    var button = el("button", "Build it");
    button.type = "button";
    button.dataset.iv = "build";
    button.title = "Build the map yourself: fill in concepts or links, or build it from a skeleton";
    button.setAttribute("aria-pressed", "false");
    tools.appendChild(button);

    // ---- the work, kept per map: {version, level, seed, levels: {fill: {seed, placed, ...}, ...}}
    var saved = load();
    var S = null;  // the exercise under way: {level, seed, ex, work}
    function load() {
      var s = store(), got = null;
      try { got = s && JSON.parse(s.getItem(STORE + data.id) || "null"); } catch (e) { got = null; }
      if (!got || typeof got !== "object" || got.version !== data.version || typeof got.levels !== "object") {
        return { version: data.version, levels: {} };
      }
      return got;
    }
    function keep() {
      var s = store();
      if (!s) return;
      try { s.setItem(STORE + data.id, JSON.stringify(saved)); } catch (e) { /* full: the work stays on screen */ }
    }
    function fresh() { return { placed: {}, verbs: {}, added: [], at: {}, links: [], hints: [], checked: false, seconds: 0, last: 0 }; }
    // work read back from storage is checked like any input: only what this exercise can hold
    function clean(w, ex) {
      var out = fresh(), blank = {}, hidden = {}, concept = {}, rel = {};
      ex.blanks.forEach(function (c) { blank[c] = true; });
      ex.hidden.forEach(function (p) { hidden[key(p)] = true; });
      pb.concepts.forEach(function (c) { concept[c] = true; });
      pb.relations.forEach(function (r) { rel[r] = true; });
      if (!w || typeof w !== "object") return out;
      Object.keys(w.placed || {}).forEach(function (b) { if (blank[b] && blank[w.placed[b]]) out.placed[b] = w.placed[b]; });
      Object.keys(w.verbs || {}).forEach(function (k) { if (hidden[k] && rel[w.verbs[k]]) out.verbs[k] = w.verbs[k]; });
      (Array.isArray(w.added) ? w.added : []).forEach(function (c) { if (concept[c] && out.added.indexOf(c) < 0) out.added.push(c); });
      Object.keys(w.at || {}).forEach(function (c) {
        var p = w.at[c];
        if (concept[c] && p && isFinite(p.x) && isFinite(p.y)) out.at[c] = { x: +p.x, y: +p.y };
      });
      (Array.isArray(w.links) ? w.links : []).forEach(function (p) {
        if (Array.isArray(p) && concept[p[0]] && rel[p[1]] && concept[p[2]]) out.links.push([p[0], p[1], p[2]]);
      });
      var expert = {};
      pb.propositions.forEach(function (p) { expert[key(p)] = true; });
      (Array.isArray(w.hints) ? w.hints : []).forEach(function (k) { if (expert[k] === true && out.hints.indexOf(k) < 0) out.hints.push(k); });
      out.checked = w.checked === true;
      out.seconds = isFinite(w.seconds) && w.seconds > 0 ? +w.seconds : 0;
      return out;
    }
    function touch() {  // time taken: the time between the student's actions, a long pause counted as 5 minutes
      var now = Date.now(), w = S.work;
      if (w.last) w.seconds += Math.min(QUIET, Math.max(0, (now - w.last) / 1000));
      w.last = now;
    }
    function changed(said) {  // after every change of the student's map: the old verdicts go, the work is kept
      touch();
      S.work.checked = false;
      S.score = null;
      saved.levels[S.level] = S.work;
      keep();
      draw();
      render();
      if (said) map.say(said);
    }

    // ---- the student's propositions, as the grader reads them
    function propositions() {
      var w = S.work;
      if (S.level === "fill") return X.filled(pb, S.ex, w.placed);
      if (S.level === "links") {
        return S.ex.hidden.filter(function (p) { return w.verbs[key(p)]; }).map(function (p) { return [p[0], w.verbs[key(p)], p[2]]; });
      }
      return w.links.slice();
    }
    function asked() {  // the concepts the exercise is about: its propositions' ends (the skeleton's, to start)
      var on = {};
      (S.level === "skeleton" ? S.ex.skeleton.map(function (c) { return [c, "", c]; }) : S.ex.scope).forEach(function (p) {
        on[p[0]] = true; on[p[2]] = true;
      });
      return Object.keys(on);
    }
    function onMap(c) { return S.ex.skeleton.indexOf(c) >= 0 || S.work.added.indexOf(c) >= 0; }

    // ---- how the map looks while building: draw() works out the whole look the exercise wants, apply() tells
    // the map only what changed since the last time (a look set on every link would cost a second)
    function nothing() { return { nodes: {}, edges: {}, labels: {}, own: {}, shown: null, at: {}, mask: { concept: {}, link: {} } }; }
    var applied = nothing();
    function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
    function union(a, b) { var k = Object.keys(a); Object.keys(b).forEach(function (x) { if (!a.hasOwnProperty(x)) k.push(x); }); return k; }
    var linkById = {}, groupOf = {};
    map.links().forEach(function (l) { linkById[l.id] = l; });
    data.nodes.forEach(function (r) { groupOf[r[0]] = r[2]; });
    function unseen(id) {  // what the map itself hides: a relation type it does not draw, a category unticked
      var l = linkById[id], row = data.edges[Number(id.slice(1))] || [], extra = row[3] || {};
      var type = data.edgeTypes[l.rel] || {}, off = map.hidden ? map.hidden() : [];
      return !!(extra.hidden !== undefined ? extra.hidden : type.hidden) ||
        off.indexOf(groupOf[l.from]) >= 0 || off.indexOf(groupOf[l.to]) >= 0;
    }
    function apply(next) {
      var before = applied, moved = {};
      if (!same(before.shown, next.shown)) {
        var was = before.shown && setOf(before.shown), now = next.shown && setOf(next.shown);
        map.setShown(next.shown);
        pb.concepts.forEach(function (c) { if ((was ? !!was[c] : true) !== (now ? !!now[c] : true)) moved[c] = true; });
      }
      union(before.at, next.at).forEach(function (c) {
        if (same(before.at[c], next.at[c])) return;
        var p = next.at[c] || home[c];
        map.nodes.update({ id: c, x: p.x, y: p.y });
      });
      union(before.labels, next.labels).forEach(function (c) {
        if (before.labels[c] !== next.labels[c]) map.setLabel(c, next.labels.hasOwnProperty(c) ? next.labels[c] : null);
      });
      union(before.nodes, next.nodes).forEach(function (c) {
        if (!same(before.nodes[c], next.nodes[c])) map.setNodeLook(c, next.nodes[c] || null);
      });
      union(before.edges, next.edges).forEach(function (id) {
        var l = linkById[id], look = next.edges[id];
        // a link the map showed again when one of its concepts came on the map is hidden again
        var again = look && look.hidden && (moved[l.from] || moved[l.to]);
        if (same(before.edges[id], look) && !again) return;
        map.setEdgeLook(id, look || null);
        if (!look && before.edges[id] && before.edges[id].hidden) map.edges.update({ id: id, hidden: unseen(id) });
      });
      var gone = union(before.own, next.own).filter(function (id) { return before.own[id] && !same(before.own[id], next.own[id]); });
      if (gone.length) map.edges.remove(gone);
      var come = Object.keys(next.own).filter(function (id) { return !same(before.own[id], next.own[id]); });
      if (come.length) map.edges.add(come.map(function (id) { return next.own[id]; }));
      if (!same(before.mask, next.mask)) map.mask(next.mask);
      applied = next;
    }
    function setOf(ids) { var o = {}; ids.forEach(function (c) { o[c] = true; }); return o; }
    function groupColour(id) {
      var row = data.nodes.filter(function (r) { return r[0] === id; })[0];
      var g = (row && data.nodeGroups[row[2]]) || {};
      return (row && row[7] && row[7].color) || g.color || {};
    }
    function borderLook(id, colour, dashes, width) {
      var c = groupColour(id), o = {};
      Object.keys(c).forEach(function (k) { o[k] = c[k]; });
      o.border = colour;
      o.highlight = { background: c.background, border: colour };
      o.hover = { background: c.background, border: colour };
      return { color: o, borderWidth: width, shapeProperties: { borderDashes: dashes } };
    }
    function verdictLook(v, text) {
      var c = V[v], colour = c.colour;
      return {
        color: { color: colour, highlight: colour, hover: colour, inherit: false }, width: c.width || 3,
        dashes: c.dashes || false, label: text,
        font: { color: colour, size: 17, strokeWidth: 5, strokeColor: C.halo, align: "horizontal" },
      };
    }
    var PLAIN = { color: { color: C.edge, highlight: C.ink, hover: C.ink, inherit: false },
                  font: { color: C.ink, size: 15, strokeWidth: 5, strokeColor: C.halo, align: "horizontal" } };
    function blankNumber(c) { return S.ex.blanks.indexOf(c) + 1; }
    function linkNumber(p) { return S.ex.hidden.map(key).indexOf(key(p)) + 1; }
    function draw() { apply(S ? want() : nothing()); }
    function want() {
      var w = S.work, sc = S.score, out = nothing(), verdictOf = {}, extra = {};
      if (sc) sc.verdicts.forEach(function (v) { verdictOf[key(v.proposition)] = v; });
      if (sc) sc.extra.forEach(function (p) { extra[key(p)] = true; });
      if (S.level === "fill") {
        S.ex.blanks.forEach(function (b) {
          var c = w.placed[b], n = blankNumber(b);
          if (!c) {
            out.labels[b] = "Blank " + n;
            out.mask.concept[b] = "Blank " + n;
            out.nodes[b] = borderLook(b, INK, [6, 4], 2);
            return;
          }
          var v = sc ? (c === b ? "right" : "extra") : null;
          out.labels[b] = (v ? V[v].mark + " " : "") + label(c);
          out.mask.concept[b] = "Blank " + n + ": " + label(c) + (v ? ", " + (c === b ? "right" : "not its place") : ", your choice");
          out.nodes[b] = v ? borderLook(b, V[v].colour, V[v].dashes || false, 3) : borderLook(b, INK, false, 2.5);
        });
        if (sc) S.ex.scope.forEach(function (p) {
          var v = verdictOf[key(p)], mine = X.filled(pb, { blanks: S.ex.blanks, scope: [p] }, w.placed)[0];
          var which = v.verdict === "missing" && mine && extra[key(mine)] ? "extra" : v.verdict;
          if (which === "missing" && !mine) return;  // a blank still empty: the blank says so
          out.edges[edgeOf[key(p)]] = verdictLook(which, V[which].mark);
        });
      } else if (S.level === "links") {
        S.ex.hidden.forEach(function (p) {
          var n = linkNumber(p), chosen = w.verbs[key(p)], id = edgeOf[key(p)];
          var v = sc ? verdictOf[key(p)].verdict : null;
          out.mask.link[id] = chosen ? verb(chosen) + " (link " + n + ", your choice)" : "? (link " + n + ")";
          var text = n + ": " + (chosen ? verb(chosen) : "?");
          var look = v ? verdictLook(v, V[v].mark + " " + text)
                       : { color: PLAIN.color, width: 2, dashes: false, label: text, font: PLAIN.font };
          look.arrows = { to: { enabled: true, type: "arrow" } };  // the arrow head of the verb would tell it
          out.edges[id] = look;
        });
      } else {
        out.shown = S.ex.skeleton.concat(w.added).sort();
        w.added.forEach(function (c) {
          if (w.at[c]) out.at[c] = w.at[c];
          out.nodes[c] = borderLook(c, INK, false, 2.5);
        });
        var on = setOf(S.ex.skeleton);
        map.links().forEach(function (l) {  // the expert's links stay hidden but the skeleton's own
          if (!(on[l.from] && on[l.to])) { out.edges[l.id] = { hidden: true }; out.mask.link[l.id] = "?"; }
        });
        var drawn = {};
        w.links.forEach(function (p) {
          var look = PLAIN, text = verb(p[1]), v = null;
          if (sc) {
            if (extra[key(p)]) v = "extra";
            else sc.verdicts.forEach(function (x) { if (x.given && key(x.given) === key(p)) v = x.verdict; });
            if (v) look = verdictLook(v, V[v].mark + " " + text);
          }
          var type = data.edgeTypes[p[1]] || {};
          out.own["build|" + key(p)] = {
            id: "build|" + key(p), from: p[0], to: p[2], smooth: false, label: v ? look.label : text,
            arrows: type.arrows || { to: { enabled: true } }, dashes: v ? look.dashes : type.dashes || false,
            color: look.color, font: look.font, width: v ? look.width : 2.5,
          };
          drawn[key(p)] = true;
        });
        w.hints.forEach(function (k) {  // a hinted proposition the student has not drawn yet
          var p = k.split("|");
          if (drawn[k] || !onMap(p[0]) || !onMap(p[2])) return;
          var c = V.missing.colour;
          out.own["hint|" + k] = {
            id: "hint|" + k, from: p[0], to: p[2], smooth: false, width: 2, dashes: V.missing.dashes,
            color: { color: c, highlight: c, hover: c, inherit: false }, label: "hint: " + verb(p[1]),
            font: { color: c, size: 15, strokeWidth: 5, strokeColor: C.halo, align: "horizontal" }, arrows: { to: { enabled: true } },
          };
        });
      }
      return out;
    }
    // the map's own filters undo a hidden link's look (a legend tick, the year): hide them again
    function rehide() {
      if (!S || S.level !== "skeleton") return;
      Object.keys(applied.edges).forEach(function (id) { if (applied.edges[id].hidden) map.setEdgeLook(id, applied.edges[id]); });
    }
    ["hidden", "year"].forEach(function (name) { map.on(name, rehide); });
    map.on("step", function (d) {  // the exercise is on the whole map: the story keys do not take it apart
      if (S && map.steps && d.step !== map.steps + 1) map.setStep(map.steps + 1);
      rehide();
    });

    // ---- the panel while building (map.panel): rebuilt on every change, the focus kept on the same control
    var panelEl = $("panel"), focusKey = null, picked = null, pending = null;
    function render() {  // the control that has the focus has it again in the new panel
      if (!S) return;
      var now = rootNode.activeElement;
      if (!focusKey && now && panelEl.contains(now) && now.dataset) focusKey = now.dataset.buildKey || null;
      panelEl.textContent = "";
      makePanel(panelEl, map.state.selected);
    }
    function control(node, k) { node.dataset.buildKey = k; return node; }
    function makePanel(panel, selected) {
      panel.setAttribute("aria-label", "Build it");
      panel.classList.add("build-panel");
      panel.appendChild(el("h2", "Build it"));
      var levels = el("fieldset", null, "build-levels");
      levels.appendChild(el("legend", "Level"));
      Object.keys(LEVELS).forEach(function (lv) {
        var lab = el("label", null, "build-level"), r = el("input");
        r.type = "radio"; r.name = uid + "build-level"; r.value = lv; r.checked = lv === S.level;
        control(r, "level-" + lv);
        r.addEventListener("change", function () { if (r.checked) begin(lv, S.seed, true); });
        lab.appendChild(r); lab.appendChild(document.createTextNode(" " + LEVELS[lv]));
        levels.appendChild(lab);
      });
      panel.appendChild(levels);
      var which = el("p", "Exercise " + S.seed + " ", "build-exercise");
      var another = control(el("button", "Another exercise"), "another");
      another.type = "button";
      another.addEventListener("click", function () { begin(S.level, (S.seed + 1) >>> 0, true); });
      which.appendChild(another);
      panel.appendChild(which);
      panel.appendChild(el("p", HELP[S.level], "hint"));
      if (!store()) panel.appendChild(el("p", "This page may not keep your work (a reload would lose it): save your map " +
        "before you leave.", "hint"));
      actions(panel);
      if (S.level === "fill") fillControls(panel, selected);
      else if (S.level === "links") linkControls(panel);
      else skeletonControls(panel);
      explanations(panel);
      saving(panel);
      var focus = focusKey;
      focusKey = null;
      if (focus) {
        var again = panel.querySelector('[data-build-key="' + focus + '"]');
        if (again) again.focus();
      }
    }
    function chip(c, onPress) {  // a concept in the parking lot: drag it, or press it
      var b = control(el("button", label(c), "build-chip"), "chip-" + c);
      b.type = "button";
      b.draggable = true;
      b.setAttribute("aria-pressed", String(picked === c));
      b.addEventListener("dragstart", function (ev) {
        ev.dataTransfer.setData("text/plain", "immunoviz-build:" + c);
        ev.dataTransfer.effectAllowed = "move";
      });
      b.addEventListener("click", function () { onPress(c); });
      var li = el("li");
      li.appendChild(b);
      return li;
    }
    function fillControls(panel, selected) {
      var w = S.work, placedAt = {};
      Object.keys(w.placed).forEach(function (b) { placedAt[w.placed[b]] = b; });
      var waiting = S.ex.blanks.filter(function (c) { return !placedAt[c]; }).sort(byLabel);
      panel.appendChild(el("h3", "Parking lot"));
      if (waiting.length) {
        var lot = el("ul", null, "build-lot");
        waiting.forEach(function (c) {
          lot.appendChild(chip(c, function (x) {
            picked = picked === x ? null : x;
            focusKey = "chip-" + x;
            render();
            map.say(picked ? label(x) + " picked: click its blank on the map, or choose it in a blank's list." : "Nothing picked.");
          }));
        });
        panel.appendChild(lot);
      } else panel.appendChild(el("p", "Every concept is in a blank.", "hint"));
      panel.appendChild(el("h3", "Blanks"));
      var list = el("ul", null, "build-slots");
      var everyone = S.ex.blanks.slice().sort(byLabel);
      S.ex.blanks.forEach(function (b) {
        var n = blankNumber(b), li = el("li"), id = uid + "build-blank-" + n;
        var near = pb.propositions.filter(function (p) { return p[0] === b || p[2] === b; }).map(function (p) {
          var o = p[0] === b ? p[2] : p[0];
          return S.ex.blanks.indexOf(o) >= 0 ? "blank " + blankNumber(o) : label(o);
        }).filter(function (x, i, all) { return all.indexOf(x) === i; });
        var lab = el("label", "Blank " + n);
        lab.htmlFor = id;
        lab.appendChild(el("span", " (linked to " + near.join(", ") + ")", "build-near"));
        var sel = control(el("select"), "blank-" + n);
        sel.id = id;
        sel.appendChild(el("option", "— empty —")).value = "";
        everyone.forEach(function (c) {  // a concept in another blank is taken: empty that blank first
          var elsewhere = placedAt[c] && placedAt[c] !== b;
          var o = el("option", label(c) + (elsewhere ? " (in blank " + blankNumber(placedAt[c]) + ")" : ""));
          o.value = c;
          o.disabled = !!elsewhere;
          o.selected = w.placed[b] === c;
          sel.appendChild(o);
        });
        sel.addEventListener("change", function () { focusKey = "blank-" + n; place(b, sel.value || null); });
        if (selected === b) li.className = "build-current";
        li.appendChild(lab); li.appendChild(sel);
        list.appendChild(li);
      });
      panel.appendChild(list);
    }
    function place(b, c) {
      var w = S.work, before = null;
      if (c) Object.keys(w.placed).forEach(function (x) { if (w.placed[x] === c && x !== b) { before = x; delete w.placed[x]; } });
      if (c) w.placed[b] = c; else delete w.placed[b];
      picked = null;
      changed(c ? label(c) + " placed in blank " + blankNumber(b) + (before ? " (taken from blank " + blankNumber(before) + ")" : "") + "."
                : "Blank " + blankNumber(b) + " emptied.");
    }
    function linkControls(panel) {
      var w = S.work;
      panel.appendChild(el("h3", "Links without their verb"));
      var list = el("ul", null, "build-slots");
      S.ex.hidden.forEach(function (p) {
        var n = linkNumber(p), li = el("li"), id = uid + "build-link-" + n;
        var lab = el("label", "Link " + n + ": " + label(p[0]) + " — ? — " + label(p[2]));
        lab.htmlFor = id;
        var sel = control(el("select"), "link-" + n);
        sel.id = id;
        sel.appendChild(el("option", "— choose a verb —")).value = "";
        pb.relations.forEach(function (r) {
          var o = el("option", verb(r));
          o.value = r;
          o.selected = w.verbs[key(p)] === r;
          sel.appendChild(o);
        });
        sel.addEventListener("change", function () {
          focusKey = "link-" + n;
          if (sel.value) w.verbs[key(p)] = sel.value; else delete w.verbs[key(p)];
          changed("Link " + n + ": " + label(p[0]) + " — " + (sel.value ? verb(sel.value) : "?") + " — " + label(p[2]) + ".");
        });
        li.appendChild(lab); li.appendChild(sel);
        list.appendChild(li);
      });
      panel.appendChild(list);
    }
    function skeletonControls(panel) {
      var w = S.work;
      var waiting = pb.concepts.filter(function (c) { return !onMap(c); }).sort(byLabel);
      panel.appendChild(el("h3", "Parking lot"));
      if (waiting.length) {
        var lot = el("ul", null, "build-lot");
        waiting.forEach(function (c, i) {
          lot.appendChild(chip(c, function (x) {  // on the map at its own place; the focus goes on to the next chip
            var next = waiting[i + 1] || waiting[i - 1];
            focusKey = next ? "chip-" + next : "add-from";
            add(x, null);
          }));
        });
        panel.appendChild(lot);
      } else panel.appendChild(el("p", "Every concept is on your map.", "hint"));
      var shown = pb.concepts.filter(onMap).sort(byLabel);
      var draw = control(el("button", "Draw a link"), "draw");
      draw.type = "button";
      draw.setAttribute("aria-pressed", String(drawing));
      draw.title = "Then drag from one concept to another on the map";
      draw.addEventListener("click", function () { drawLinks(!drawing); });
      panel.appendChild(draw);
      var form = el("form", null, "build-link-form");
      form.appendChild(el("h3", pending ? "The new link's verb" : "Add a link"));
      function pick(name, title, options, value, text) {
        var lab = el("label", title), sel = control(el("select"), "add-" + name);
        sel.id = uid + "build-add-" + name;
        lab.htmlFor = sel.id;
        options.forEach(function (x) { var o = el("option", text(x)); o.value = x; o.selected = x === value; sel.appendChild(o); });
        form.appendChild(lab); form.appendChild(sel);
        return sel;
      }
      var from = pick("from", "From", shown, pending && pending.from, label);
      var rel = pick("verb", "Verb", pb.relations, null, verb);
      var to = pick("to", "To", shown, pending ? pending.to : shown[1], label);
      var go = control(el("button", "Add link"), "add-link");
      go.type = "submit";
      form.appendChild(go);
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        pending = null;
        focusKey = "add-from";
        link([from.value, rel.value, to.value]);
      });
      panel.appendChild(form);
      panel.appendChild(el("h3", "Your map"));
      var mine = el("ul", null, "build-mine");
      if (!w.links.length) mine.appendChild(el("li", "No link yet.", "hint"));
      w.links.forEach(function (p, i) {
        var li = el("li", sentence(p) + " "), x = control(el("button", "Remove"), "remove-link-" + i);
        x.type = "button";
        x.setAttribute("aria-label", "Remove the link " + sentence(p));
        x.addEventListener("click", function () {
          w.links.splice(i, 1);
          focusKey = w.links.length ? "remove-link-" + Math.min(i, w.links.length - 1) : "add-from";
          changed("Link removed: " + sentence(p) + ".");
        });
        li.appendChild(x);
        mine.appendChild(li);
      });
      w.added.slice().sort(byLabel).forEach(function (c) {
        var li = el("li", label(c) + " "), x = control(el("button", "Take off"), "remove-" + c);
        x.type = "button";
        x.setAttribute("aria-label", "Take off " + label(c) + " (and its links)");
        x.addEventListener("click", function () {
          w.added.splice(w.added.indexOf(c), 1);
          delete w.at[c];
          w.links = w.links.filter(function (p) { return p[0] !== c && p[2] !== c; });
          focusKey = "chip-" + c;
          changed(label(c) + " is back in the parking lot.");
        });
        li.appendChild(x);
        mine.appendChild(li);
      });
      panel.appendChild(mine);
    }
    function add(c, at) {
      var w = S.work;
      if (w.added.indexOf(c) < 0 && S.ex.skeleton.indexOf(c) < 0) w.added.push(c);
      if (at) w.at[c] = at;
      changed(label(c) + " added to the map.");
      var p = map.network.canvasToDOM(at || home[c]), box = $("canvas").getBoundingClientRect();
      if (p.x < 0 || p.y < 0 || p.x > box.width || p.y > box.height) map.fit(true);  // out of sight: show it
    }
    function link(p) {
      var w = S.work;
      if (!p[0] || !p[1] || !p[2]) return;
      if (p[0] === p[2]) { map.say("A link joins two different concepts."); return; }
      if (w.links.some(function (q) { return key(q) === key(p); })) { map.say("That link is already on your map."); return; }
      w.links.push(p);
      changed("Link added: " + sentence(p) + ".");
    }
    // vis-network's manipulation API: drag from one concept to another; the verb is chosen in the panel
    var drawing = false;
    function drawLinks(on) {
      drawing = on;
      if (on) {
        map.network.setOptions({ manipulation: { enabled: false, addEdge: function (d, done) {
          done(null);  // the link is the student's only once its verb is chosen
          if (d.from === d.to) { map.say("A link joins two different concepts."); map.network.addEdgeMode(); return; }
          pending = { from: d.from, to: d.to };
          focusKey = "add-verb";
          render();
          map.say("From " + label(d.from) + " to " + label(d.to) + ": choose the verb, then Add link.");
          map.network.addEdgeMode();
        } } });
        map.network.addEdgeMode();
      } else {
        map.network.disableEditMode();
      }
      focusKey = "draw";
      render();
    }

    // ---- Check, Hint, Start again, Save my map, leave
    function actions(panel) {
      var bar = el("div", null, "build-actions");
      [["Check", check], ["Hint", hint], ["Start again", again]].forEach(function (a) {
        var b = control(el("button", a[0]), "do-" + a[0]);
        b.type = "button";
        b.addEventListener("click", function () { focusKey = "do-" + a[0]; a[1](); });
        if (a[0] === "Check") b.dataset.iv = "build-check";
        bar.appendChild(b);
      });
      panel.appendChild(bar);
      if (S.score) score(panel);
    }
    function explanations(panel) {  // after the student's own controls: every verdict explained, and the hints
      var out = el("div", null, "build-explained");
      if (S.score) result(out);
      hints(out);
      panel.appendChild(out);
    }
    function saving(panel) {
      var form = el("form", null, "build-save");
      var lab = el("label", "Your name (saved in the file; optional)"), name = control(el("input"), "name");
      name.type = "text"; name.id = uid + "build-name"; name.autocomplete = "name"; name.maxLength = 200;
      name.value = typeof saved.student === "string" ? saved.student : "";
      lab.htmlFor = name.id;
      name.addEventListener("change", function () { saved.student = name.value; keep(); });
      var save = control(el("button", "Save my map"), "save");
      save.type = "submit";
      form.appendChild(lab); form.appendChild(name); form.appendChild(save);
      form.addEventListener("submit", function (ev) { ev.preventDefault(); saved.student = name.value; keep(); download(); });
      panel.appendChild(form);
      var leave = control(el("button", "Leave Build it"), "leave");
      leave.type = "button";
      leave.addEventListener("click", function () { stop(); button.focus(); });
      panel.appendChild(leave);
    }
    function summary(sc) {
      var bits = [sc.right + " of " + sc.total + " propositions"];
      var more = [];
      if (sc.partial) more.push(sc.partial + " with another verb");
      if (sc.missing) more.push(sc.missing + " missing");
      if (sc.extra.length) more.push(sc.extra.length + " extra");
      return bits[0] + " right (" + sc.percent + "%)" + (more.length ? ": " + more.join(", ") : "") + ".";
    }
    function placedRight() {  // the fill level: blanks holding their own concept
      return S.ex.blanks.filter(function (b) { return S.work.placed[b] === b; }).length;
    }
    function check() {
      touch();
      focusKey = "score";
      S.work.checked = true;
      S.score = X.score(pb, S.ex, propositions());
      saved.levels[S.level] = S.work;
      keep();
      draw();
      render();
      map.say("Checked: " + summary(S.score) + (S.level === "fill" ? " " + placedRight() + " of " + S.ex.blanks.length +
        " concepts in their place." : ""));
    }
    function explain(p) {  // why the expert map says it: the relation's note and its sources
      var note = data.notes[key(p)] || {}, box = el("div", null, "build-why");
      if (note.note) box.appendChild(el("p", note.note));
      if (note.sources && note.sources.length) box.appendChild(dom.sourceList(note.sources, data.sources));
      return box;
    }
    function score(out) {  // the score, under the buttons
      var sc = S.score, box = el("div", null, "build-result");
      box.dataset.iv = "build-result";
      var head = control(el("p", null, "build-score"), "score");
      head.tabIndex = -1;
      head.appendChild(el("strong", sc.right + " of " + sc.total + " propositions"));
      head.appendChild(document.createTextNode(" right (" + sc.percent + "%)"));
      box.appendChild(head);
      if (S.level === "fill") box.appendChild(el("p", placedRight() + " of " + S.ex.blanks.length + " concepts in their place.", "build-placed"));
      var counts = el("ul", null, "build-counts");
      [["right", sc.right], ["partial", sc.partial], ["missing", sc.missing], ["extra", sc.extra.length]].forEach(function (x) {
        var li = el("li", null, "verdict-" + x[0]);
        li.appendChild(el("span", V[x[0]].mark, "verdict-mark"));
        li.appendChild(document.createTextNode(" " + x[1] + " " + V[x[0]].word));
        counts.appendChild(li);
      });
      box.appendChild(counts);
      out.appendChild(box);
    }
    function result(out) {  // every verdict, explained from the relation's note and sources
      var sc = S.score, fill = S.level === "fill";
      out.appendChild(el("h3", "Your propositions, checked"));
      var list = el("ol", null, "build-verdicts");
      sc.verdicts.forEach(function (v) {
        if (v.verdict === "missing" && S.level === "skeleton") return;  // Hint shows them, one at a time
        var li = el("li", null, "verdict-" + v.verdict);
        li.appendChild(el("span", V[v.verdict].mark + " " + V[v.verdict].word + ": ", "verdict-mark"));
        var mine = fill ? X.filled(pb, { blanks: S.ex.blanks, scope: [v.proposition] }, S.work.placed)[0] : v.given;
        if (v.verdict === "missing") {
          li.appendChild(document.createTextNode(mine ? "yours, " + sentence(mine) + ", is not in the expert map" :
            (fill ? "a blank of this link is empty" : "link " + linkNumber(v.proposition) + " has no verb yet")));
        } else {
          li.appendChild(document.createTextNode(sentence(v.proposition)));
          if (v.verdict === "partial") li.appendChild(el("span", " (yours: " + sentence(v.given) + ")", "build-yours"));
          li.appendChild(explain(v.proposition));
        }
        list.appendChild(li);
      });
      sc.extra.forEach(function (p) {
        if (fill) return;  // a wrong concept in a blank: said above, at its link
        var li = el("li", null, "verdict-extra");
        li.appendChild(el("span", V.extra.mark + " " + V.extra.word + ": ", "verdict-mark"));
        li.appendChild(document.createTextNode(sentence(p) + " is not in the expert map"));
        list.appendChild(li);
      });
      out.appendChild(list);
    }
    function hint() {
      touch();
      var sc = X.score(pb, S.ex, propositions()), w = S.work;
      var next = sc.verdicts.filter(function (v) { return v.verdict === "missing" && w.hints.indexOf(key(v.proposition)) < 0; })[0] ||
                 sc.verdicts.filter(function (v) { return v.verdict === "partial" && w.hints.indexOf(key(v.proposition)) < 0; })[0];
      if (!next) {
        map.say(sc.missing + sc.partial ? "Every hint is shown: see the list under Hints." : "Nothing is missing: every proposition is there.");
        render();
        return;
      }
      w.hints.push(key(next.proposition));
      saved.levels[S.level] = w;
      keep();
      draw();
      render();
      map.highlight([next.proposition[0], next.proposition[2]]);
      map.say("Hint " + w.hints.length + ": " + sentence(next.proposition) + ".");
    }
    function hints(out) {
      if (!S.work.hints.length) return;
      out.appendChild(el("h3", "Hints"));
      var ol = el("ol", null, "build-hints");
      S.work.hints.forEach(function (k) {
        var p = k.split("|"), li = el("li", sentence(p));
        li.appendChild(explain(p));
        ol.appendChild(li);
      });
      out.appendChild(ol);
    }
    function again() {
      S.work = fresh();
      S.score = null;
      picked = null; pending = null;
      saved.levels[S.level] = S.work;
      keep();
      draw();
      render();
      map.say("Started again: " + LEVELS[S.level].toLowerCase() + ", exercise " + S.seed + ".");
    }
    function download() {
      touch();
      var sc = X.score(pb, S.ex, propositions()), props = propositions();
      var body = {
        format: X.FORMAT, version: X.VERSION, map: data.id, dataVersion: data.version || "", level: S.level, seed: S.seed,
        student: String(saved.student || "").slice(0, 200), seconds: Math.round(S.work.seconds), saved: new Date().toISOString(),
        propositions: props.map(function (p) { return { from: p[0], relation: p[1], to: p[2] }; }),
        placements: S.level === "fill" ? S.work.placed : {}, concepts: S.level === "skeleton" ? S.work.added.slice() : [],
        hints: S.work.hints.length,
        score: { right: sc.right, partial: sc.partial, missing: sc.missing, extra: sc.extra.length, total: sc.total, percent: sc.percent },
      };
      var name = [data.id, S.level, S.seed, String(saved.student || "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")]
        .filter(Boolean).join("-") + ".json";
      var url = URL.createObjectURL(new Blob([JSON.stringify(body, null, 1) + "\n"], { type: "application/json" }));
      var a = el("a");
      a.href = url; a.download = name; a.hidden = true;
      map.root.appendChild(a);
      a.click();
      map.root.removeChild(a);
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
      saved.levels[S.level] = S.work;
      keep();
      map.say("Saved your map as " + name + ".");
    }

    // ---- the map's own gestures while building
    map.on("select", function (d) {
      if (!S || !d.id) return;
      if (S.level === "fill" && S.ex.blanks.indexOf(d.id) >= 0) {
        if (picked) { place(d.id, picked); return; }
        focusKey = "blank-" + blankNumber(d.id);
        render();
      }
    });
    map.network.on("click", function (params) {
      if (!S || params.nodes.length || !params.edges.length) return;
      var id = params.edges[0];
      if (S.level === "links") {
        S.ex.hidden.forEach(function (p) { if (edgeOf[key(p)] === id) { focusKey = "link-" + linkNumber(p); render(); } });
      }
    });
    map.network.on("dragEnd", function (params) {  // a concept the student added stays where they put it
      if (!S || S.level !== "skeleton" || !params.nodes.length) return;
      var pos = map.network.getPositions(params.nodes);
      params.nodes.forEach(function (c) { if (S.work.added.indexOf(c) >= 0) S.work.at[c] = pos[c]; });
      touch();
      keep();
    });
    var canvas = $("canvas");
    canvas.addEventListener("dragover", function (ev) { if (S && S.level !== "links") { ev.preventDefault(); ev.dataTransfer.dropEffect = "move"; } });
    canvas.addEventListener("drop", function (ev) {
      if (!S) return;
      var text = ev.dataTransfer.getData("text/plain") || "", c = text.replace(/^immunoviz-build:/, "");
      if (text.indexOf("immunoviz-build:") !== 0 || !pb.labels.hasOwnProperty(c)) return;
      ev.preventDefault();
      var box = canvas.getBoundingClientRect(), at = { x: ev.clientX - box.left, y: ev.clientY - box.top };
      if (S.level === "fill") {
        var hit = map.network.getNodeAt(at);
        if (hit && S.ex.blanks.indexOf(hit) >= 0) place(hit, c);
        else map.say("Drop " + label(c) + " on a blank.");
      } else if (S.level === "skeleton") {
        add(c, map.network.DOMtoCanvas(at));
      }
    });

    // ---- on and off
    function textVersion(hide) {  // it would give the answers away (it follows the page's scripts: wait for it)
      var section = rootNode.getElementById ? rootNode.getElementById(uid + "text-version") : null;
      if (section) section.hidden = hide;
      else if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", function () { textVersion(!!S); });
      }
    }
    function begin(level, seed, fromPanel) {
      if (!LEVELS.hasOwnProperty(level)) level = "fill";
      seed = seed >>> 0;
      if (S && drawing) drawLinks(false);
      var ex = X.exercise(pb, level, seed), kept = saved.levels[level];
      var work = kept && kept.seed === seed ? clean(kept, ex) : fresh();
      work.seed = seed;
      work.last = 0;
      S = { level: level, seed: seed, ex: ex, work: work, score: null };
      saved.level = level;
      saved.levels[level] = work;
      keep();
      if (work.checked) S.score = X.score(pb, ex, propositions());
      picked = null; pending = null;
      if (!button.classList.contains("on")) enter();
      if (map.steps) map.setStep(map.steps + 1);
      if (map.year && map.year() !== null) map.setYear(null);
      map.select(null);
      draw();
      if (fromPanel) focusKey = "level-" + level;
      render();
      map.frame(asked(), false);  // what the exercise asks about, as large as the map's frame allows
      if (opts.hash && window.history && history.replaceState) {
        try { history.replaceState(null, "", "#build=" + level + "&seed=" + seed); } catch (e) { /* a sandboxed frame */ }
      }
      map.say(LEVELS[level] + ", exercise " + seed + ": " + ex.scope.length + " propositions to find.");
    }
    function enter() {
      map.panel(makePanel);  // the map's panel is the build panel from now on (the map draws it on every selection)
      button.classList.add("on");
      button.setAttribute("aria-pressed", "true");
      if (map.state.quiz && $("quiz")) $("quiz").click();  // one exercise at a time
      map.root.classList.add("building");  // without Self-test, the story bar and the link to the text version
      textVersion(true);
    }
    function stop() {
      if (!S) return;
      if (drawing) drawLinks(false);
      S = null;
      draw();
      button.classList.remove("on");
      button.setAttribute("aria-pressed", "false");
      map.root.classList.remove("building");
      textVersion(false);
      panelEl.setAttribute("aria-label", "Selected concept");
      panelEl.classList.remove("build-panel");
      map.panel(null);
      if (opts.hash && window.history && history.replaceState) {
        try { history.replaceState(null, "", location.pathname + location.search); } catch (e) { /* a sandboxed frame */ }
      }
      map.say("Left Build it: the map is whole again.");
    }
    button.addEventListener("click", function () {
      if (S) stop();
      else {  // where the student was, else exercise 1 of the first level
        var level = LEVELS.hasOwnProperty(saved.level) ? saved.level : "fill", kept = saved.levels[level];
        begin(level, kept && isFinite(kept.seed) ? kept.seed : 1);
      }
    });
    // #build=fill|links|skeleton&seed=N in the address opens the exercise (a lecturer's link)
    if (opts.hash) {
      var wanted = /(?:^#|&)build=(fill|links|skeleton)\b/.exec(location.hash || "");
      var wantedSeed = /(?:^#|&)seed=(\d{1,10})\b/.exec(location.hash || "");
      if (wanted) map.whenDrawn(function () { begin(wanted[1], wantedSeed ? Number(wantedSeed[1]) : 1); });
    }
    map.build = { begin: begin, stop: stop, check: check, hint: hint, state: function () { return S; } };
    if (opts.page) ns.build = map.build;  // the page's one map: window.immunoviz.build, as its other methods
  }

  if (ns.use) ns.use(attach);
  else (ns.plugins = ns.plugins || []).push(attach);
})();
