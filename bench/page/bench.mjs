// bench/page: the demo page's budget (issue 8), measured, never asserted.
//   1. Size: the page's own JS + shim-js (the guests' Worker script counts)
//      + host.js + host.wasm, gzipped (guests and xterm.js not counted), plus
//      the HTML/CSS and xterm.js for reference.
//   2. Time to first output: from the Run click to the first stdout byte of
//      http_client fetching the relay's own /healthz over 127.0.0.1, in
//      Chromium, JSPI and Asyncify, on a freshly loaded page each time (the
//      page marks both moments with performance.mark).
// Needs a built tree (./scripts/build). Prints Markdown.
//   node bench/page/bench.mjs [--runs 15]
import { chromium } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';

import { siteDir, startRelay } from '../../tests/browser/fixtures.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const runs = Number(values.runs);

/** @param {string[]} files  paths relative to the site */
function sizes(files) {
  let raw = 0;
  let gzipped = 0;
  for (const file of files) {
    const bytes = fs.readFileSync(path.join(siteDir, file));
    raw += bytes.length;
    gzipped += zlib.gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzipped };
}

const jsIn = (/** @type {string} */ dir) =>
  fs.readdirSync(path.join(siteDir, dir)).filter((f) => f.endsWith('.js')).map((f) => path.join(dir, f));
const groups = {
  'page JS (web/demo/static/*.js)': jsIn('.'),
  // All of it: the page's modules and the guests' Web Worker script (guest_worker.js) with its imports.
  'shim-js (shim-js/src/*.js, the Worker script included)': jsIn('shim-js/src'),
  'host.js + host.wasm': ['host/host.js', 'host/host.wasm'],
};
const kib = (/** @type {number} */ n) => (n / 1024).toFixed(1);

console.log('## Size (gzip -9)\n');
console.log('| part | files | raw KiB | gzipped KiB |\n|---|---|---|---|');
let budget = 0;
for (const [name, files] of Object.entries(groups)) {
  const s = sizes(files);
  budget += s.gzipped;
  console.log(`| ${name} | ${files.length} | ${kib(s.raw)} | ${kib(s.gzipped)} |`);
}
console.log(`| **budgeted total** (limit 150 KB) | | | **${kib(budget)}** |`);
for (const [name, files] of Object.entries({
  'not counted: index.html + style.css': ['index.html', 'style.css'],
  'not counted: xterm.js + fit addon + css': ['vendor/xterm/xterm.mjs', 'vendor/xterm/addon-fit.mjs', 'vendor/xterm/xterm.css'],
})) {
  const s = sizes(files);
  console.log(`| ${name} | ${files.length} | ${kib(s.raw)} | ${kib(s.gzipped)} |`);
}

/** @param {number[]} values @param {number} q */
const quantile = (values, q) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))];

const relay = await startRelay(['--dev']);
const browser = await chromium.launch({ executablePath: process.env.SOCKBRIDGE_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  console.log(`\n## Run → first output (http_client, relay's /healthz on 127.0.0.1, ${runs} runs, fresh page each)\n`);
  console.log('| blocking | first run ms | median ms | p90 ms | max ms |\n|---|---|---|---|---|');
  for (const blocking of ['jspi', 'asyncify']) {
    const page = await browser.newPage();
    const times = [];
    for (let i = 0; i < runs; i++) {
      const query = new URLSearchParams({ demo: 'http_client', args: `127.0.0.1 ${relay.port} /healthz`, blocking });
      await page.goto(`${relay.url}/?${query}`);
      await page.locator('#relay-state').getByText('reachable').waitFor();
      await page.getByRole('button', { name: 'Run' }).click();
      await page.locator('#exit-code').getByText('exit code 0').waitFor();
      times.push(await page.evaluate(() => performance.measure('first-output', 'sockbridge-run', 'sockbridge-first-output').duration));
    }
    await page.close();
    const f = (/** @type {number} */ n) => n.toFixed(0);
    console.log(`| ${blocking} | ${f(times[0])} | ${f(quantile(times, 0.5))} | ${f(quantile(times, 0.9))} | ${f(Math.max(...times))} |`);
  }
} finally {
  await browser.close();
  relay.process.kill('SIGTERM');
}
