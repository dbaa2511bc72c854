/* immunoviz build exercises: the pure logic, mirrored in Python by viz.exercise.
 *
 * A map's expert propositions (concept - verb - concept), the seeded choice of what an exercise
 * blanks, and the scoring of a student's propositions against the expert's. No DOM, no storage:
 * the page module (build.js) and the tests call it. tests/test_exercise.py runs this file in
 * Chromium and checks that it gives the same exercises and scores as viz.exercise, seed by seed.
 */
(function (root) {
  "use strict";

  var LEVELS = ["fill", "links", "skeleton"];
  var FORMAT = "immunoviz-build", VERSION = 1;

  // FNV-1a over the UTF-16 code units of a text: the seed of the generator
  function hash(text) {
    var h = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }
  // mulberry32: a small generator of 32-bit numbers, exact in JavaScript's and Python's integers
  function generator(text) {
    var a = hash(text);
    return function () {
      a = (a + 0x6d2b79f5) >>> 0;
      var t = Math.imul(a ^ (a >>> 15), a | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return (t ^ (t >>> 14)) >>> 0;
    };
  }
  function below(next, n) { return Math.floor(next() * n / 4294967296); }  // exact: n is far below 2^21
  function shuffled(items, next) {  // Fisher-Yates, from the end
    var a = items.slice();
    for (var i = a.length - 1; i > 0; i--) {
      var j = below(next, i + 1), t = a[i];
      a[i] = a[j]; a[j] = t;
    }
    return a;
  }
  function clamp(k, lo, hi) { return Math.max(lo, Math.min(hi, k)); }
  function byText(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
  function key(p) { return p[0] + "|" + p[1] + "|" + p[2]; }
  function pair(p) { return p[0] < p[2] ? p[0] + "|" + p[2] : p[2] + "|" + p[0]; }
  function compare(p, q) { return byText(p[0], q[0]) || byText(p[1], q[1]) || byText(p[2], q[2]); }

  // a map's problem from the page payload: its concepts and drawn propositions, sorted
  function problem(data) {
    var ids = data.nodes.map(function (row) { return row[0]; });
    var labels = {};
    data.nodes.forEach(function (row) { labels[row[0]] = row[1]; });
    var props = [], seen = {};
    data.edges.forEach(function (row) {
      var look = data.edgeTypes[row[2]] || {}, extra = row[3] || {};
      var hidden = extra.hidden !== undefined ? extra.hidden : look.hidden;
      var p = [ids[row[0]], row[2], ids[row[1]]];
      if (hidden || seen[key(p)]) return;
      seen[key(p)] = true;
      props.push(p);
    });
    props.sort(compare);
    var directed = {};
    (data.relations || []).forEach(function (r) { directed[r.id] = r.directed !== false; });
    return {
      id: data.id, version: data.version, concepts: ids.slice().sort(byText), labels: labels,
      propositions: props, directed: directed, skeleton: (data.skeleton || []).slice(),
      relations: (data.relations || []).map(function (r) { return r.id; }),
    };
  }

  // the concepts a proposition links, each counted once
  function linked(props) {
    var on = {};
    props.forEach(function (p) { if (p[0] !== p[2]) { on[p[0]] = true; on[p[2]] = true; } });
    return on;
  }

  // what an exercise asks: the seed picks the blanks (fill) or the hidden verbs (links); a skeleton
  // map gives its skeleton's own links. scope: the expert propositions the student must supply
  function exercise(pb, level, seed) {
    if (LEVELS.indexOf(level) < 0) throw new Error("no level " + level);
    seed = seed >>> 0;
    var next = generator(pb.id + "|" + level + "|" + seed);
    var ex = { level: level, seed: seed, blanks: [], hidden: [], skeleton: [], scope: [] };
    if (level === "fill") {
      var on = linked(pb.propositions);
      var candidates = pb.concepts.filter(function (c) { return on[c]; });
      var k = Math.min(candidates.length, clamp(Math.round(candidates.length / 4), 2, 12));
      ex.blanks = shuffled(candidates, next).slice(0, k).sort(byText);
      var blank = {};
      ex.blanks.forEach(function (c) { blank[c] = true; });
      ex.scope = pb.propositions.filter(function (p) { return blank[p[0]] || blank[p[2]]; });
    } else if (level === "links") {
      var links = pb.propositions.filter(function (p) { return p[0] !== p[2]; });
      var m = Math.min(links.length, clamp(Math.ceil(links.length / 3), 2, 15));
      ex.hidden = shuffled(links, next).slice(0, m).sort(compare);
      ex.scope = ex.hidden.slice();
    } else {
      var given = {};
      pb.skeleton.forEach(function (c) { given[c] = true; });
      ex.skeleton = pb.concepts.filter(function (c) { return given[c]; });
      ex.scope = pb.propositions.filter(function (p) { return !(given[p[0]] && given[p[2]]); });
    }
    return ex;
  }

  // a student's propositions against the exercise's scope, one to one:
  // right (the link with its verb; an undirected verb either way round), partial (the two concepts
  // linked, with another verb or the wrong way round), missing; what is left of the student's is extra
  // (except the expert's own propositions outside the scope, which the map gave)
  function score(pb, ex, student) {
    var mine = [], seen = {};
    student.forEach(function (p) { if (!seen[key(p)]) { seen[key(p)] = true; mine.push([p[0], p[1], p[2]]); } });
    mine.sort(compare);
    var used = mine.map(function () { return false; });
    var verdicts = ex.scope.map(function (p) {
      for (var i = 0; i < mine.length; i++) {
        var q = mine[i];
        if (used[i] || q[1] !== p[1]) continue;
        if ((q[0] === p[0] && q[2] === p[2]) || (!pb.directed[p[1]] && q[0] === p[2] && q[2] === p[0])) {
          used[i] = true;
          return { proposition: p, verdict: "right", given: q };
        }
      }
      return null;
    });
    verdicts = verdicts.map(function (v, j) {
      if (v) return v;
      var p = ex.scope[j];
      for (var i = 0; i < mine.length; i++) {
        if (!used[i] && pair(mine[i]) === pair(p)) { used[i] = true; return { proposition: p, verdict: "partial", given: mine[i] }; }
      }
      return { proposition: p, verdict: "missing", given: null };
    });
    var expert = {};
    pb.propositions.forEach(function (p) { expert[key(p)] = true; });
    var extra = mine.filter(function (q, i) { return !used[i] && !expert[key(q)]; });
    var counts = { right: 0, partial: 0, missing: 0 };
    verdicts.forEach(function (v) { counts[v.verdict] += 1; });
    var total = ex.scope.length, points = counts.right + counts.partial / 2;
    return {
      verdicts: verdicts, extra: extra, right: counts.right, partial: counts.partial, missing: counts.missing,
      total: total, percent: total ? Math.round(100 * points / total) : 100,
    };
  }

  // the fill level: the student's propositions when concept placed[slot] stands in each blank slot
  function filled(pb, ex, placed) {
    var blank = {};
    ex.blanks.forEach(function (c) { blank[c] = true; });
    function at(slot) { return blank[slot] ? placed[slot] || null : slot; }
    var out = [];
    ex.scope.forEach(function (p) {
      var a = at(p[0]), b = at(p[2]);
      if (a && b) out.push([a, p[1], b]);
    });
    return out;
  }

  var api = {
    LEVELS: LEVELS, FORMAT: FORMAT, VERSION: VERSION, hash: hash, generator: generator, shuffled: shuffled,
    problem: problem, exercise: exercise, score: score, filled: filled, compare: compare,
  };
  root.immunoviz = root.immunoviz || {};
  root.immunoviz.exercise = api;
})(typeof window !== "undefined" ? window : this);
