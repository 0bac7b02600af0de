// SPDX-License-Identifier: Apache-2.0
// Copies the browser builds of the npm dependencies into lib/, which the
// server serves at /lib/. Run by `npm run build` after `npm ci`; it uses only
// Node's standard library so the build needs no further packages.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, 'node_modules');
const lib = join(here, 'lib');

// [source under node_modules/, name under lib/]
const files = [
  ['sockjs-client/dist/sockjs.min.js', 'sockjs.min.js'],
  // sockjs.min.js names its source map; shipping it avoids a 404 in dev tools.
  ['sockjs-client/dist/sockjs.min.js.map', 'sockjs.min.js.map'],
  ['@vertx/eventbus-bridge-client.js/vertx-eventbus.js', 'vertx-eventbus.js'],
  ['uplot/dist/uPlot.iife.min.js', 'uPlot.iife.min.js'],
  ['uplot/dist/uPlot.min.css', 'uPlot.min.css'],
];

// Start from an empty lib/ so it holds exactly these files.
rmSync(lib, { recursive: true, force: true });
mkdirSync(lib, { recursive: true });
for (const [from, to] of files) {
  copyFileSync(join(modules, from), join(lib, to));
  console.log(`lib/${to} <- node_modules/${from}`);
}
