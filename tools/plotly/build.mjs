// Builds src/viz/vendor/plotly/plotly.min.js: plotly.js's core (scatter and every component) with the other trace
// types immunoviz's charts draw, listed under "traces" in src/viz/vendor/plotly/pinned.json, as plotly.js builds
// its own partial bundles (CUSTOM_BUNDLE.md; the options of its esbuild-config.js). plotly.py's full bundle is
// 4.8 MB, most of it maps and WebGL that no chart of ours uses, and a page spends about a second parsing it.
//
//     cd tools/plotly && npm ci && node build.mjs           # writes the bundle, its hash and version
//     node build.mjs --check                                 # exit 1 when the committed bundle is not what it builds
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const vendor = join(here, "..", "..", "src", "viz", "vendor", "plotly");
const pinnedPath = join(vendor, "pinned.json");
const pinned = JSON.parse(readFileSync(pinnedPath, "utf8"));
const require = createRequire(import.meta.url);
const version = require("plotly.js/package.json").version;
const traces = pinned.traces.filter((t) => t !== "scatter"); // the core registers scatter

const entry = [
  "var Plotly = require('plotly.js/lib/core');",
  `Plotly.register([${traces.map((t) => `require('plotly.js/lib/${t}')`).join(", ")}]);`,
  "module.exports = Plotly;",
].join("\n");

const result = await build({
  stdin: { contents: entry, resolveDir: here, loader: "js" },
  write: false,
  format: "iife",
  globalName: "Plotly",
  bundle: true,
  minify: true,
  legalComments: "none",
  banner: {
    js: `/*! plotly.js v${version} (partial bundle for immunoviz: ${pinned.traces.join(", ")}) | MIT License | Copyright 2012-2026, Plotly, Inc. */`,
  },
  loader: { ".css": "empty" }, // maplibre's stylesheet, required only by map traces
  define: { global: "window", "define.amd": "false", "process.env.NODE_DEBUG": "false" },
  target: "es2016",
  logLevel: "warning",
});
const bytes = Buffer.from(result.outputFiles[0].contents);
const sha256 = createHash("sha256").update(bytes).digest("hex");
const target = join(vendor, "plotly.min.js");

if (process.argv.includes("--check")) {
  const committed = createHash("sha256").update(readFileSync(target)).digest("hex");
  const ok = committed === sha256 && pinned.sha256 === sha256 && pinned.version === version;
  console.log(ok ? `plotly.min.js is what this builds (${sha256})` : `plotly.min.js differs: rebuild it (${sha256})`);
  process.exit(ok ? 0 : 1);
}
writeFileSync(target, bytes);
copyFileSync(join(here, "node_modules", "plotly.js", "LICENSE"), join(vendor, "LICENSE"));
const esbuildVersion = require("esbuild/package.json").version;
writeFileSync(pinnedPath, JSON.stringify({ ...pinned, version, esbuild: esbuildVersion, sha256, bytes: bytes.length }, null, 2) + "\n");
console.log(`wrote ${target}: plotly.js ${version}, ${pinned.traces.join(", ")}; ${bytes.length} bytes, sha256 ${sha256}`);
