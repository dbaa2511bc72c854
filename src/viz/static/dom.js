/* immunoviz: the small DOM helpers the map (map.js), the history page (history.js) and the other hosts share.
 *
 * Text from the tables is only ever inserted with textContent (never innerHTML), and only http(s)
 * links become hrefs.
 */
(function () {
  "use strict";
  var ns = window.immunoviz = window.immunoviz || {};

  // an element with its text (as text, never markup) and class
  function el(tag, text, cls) {
    var x = document.createElement(tag);
    if (text !== undefined && text !== null) x.textContent = text;
    if (cls) x.className = cls;
    return x;
  }
  // the URL if it is http(s), else null (viz.render.safe_url in Python)
  function safeHref(url) { return /^https?:\/\/[^\s<>"']+$/.test(url || "") ? url : null; }
  // the numbered list of sources ids cite: {id: {citation, url}}; a source without a safe link is plain text
  function sourceList(ids, sources) {
    var ol = el("ol", null, "sources");
    (ids || []).forEach(function (sid) {
      var s = sources[sid];
      if (!s) return;
      var li = el("li");
      var href = safeHref(s.url);
      if (href) {
        var a = el("a", s.citation);
        a.href = href; a.target = "_blank"; a.rel = "noopener noreferrer";
        li.appendChild(a);
      } else {
        li.textContent = s.citation;
      }
      ol.appendChild(li);
    });
    return ol;
  }
  // fn() once the whole page is parsed (at once if it is): a page may put content after its scripts
  function whenParsed(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { fn(); });
    else fn();
  }
  // text folded for matching: no accents, one space, lower case
  function fold(s) {
    return String(s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/\s+/g, " ").toLowerCase();
  }
  // a script the page holds back (viz.render.Script.later): run it now, once; a promise of its loading.
  // Inlined, its text runs as an inline script (the page's policy allows it by its hash); from the site's
  // assets, by its address. Without one on the page (another host loaded it already) the promise resolves.
  var loading = {};
  function loadDeferred(name) {
    if (loading[name]) return loading[name];
    loading[name] = new Promise(function (resolve, reject) {
      // the held script may come after the caller's in the page: find it once the page is parsed
      whenParsed(function () { run(resolve, reject); });
    });
    return loading[name];
    function run(resolve, reject) {
      var held = document.querySelector('script[data-immunoviz-deferred="' + name + '"]');
      if (!held) { resolve(); return; }
      var s = document.createElement("script");
      if (held.dataset.src) {
        s.onload = function () { resolve(); };
        s.onerror = function () { reject(new Error("could not load " + held.dataset.src)); };
        s.src = held.dataset.src;
        document.head.appendChild(s);
      } else {
        s.textContent = held.textContent;
        document.head.appendChild(s);  // runs now
        resolve();
      }
    }
  }
  ns.dom = { el: el, safeHref: safeHref, sourceList: sourceList, fold: fold, loadDeferred: loadDeferred, whenParsed: whenParsed };
})();
