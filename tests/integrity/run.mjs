#!/usr/bin/env node
// tests/integrity: long integrity runs (issue 10), not part of ./scripts/test.
// For each blocking mode, `--mib` MiB go guest → relay → TCP sink (the sink
// hashes what it read; the guest hashes what it sent) and TCP source → relay
// → guest (the guest hashes what it received; the source's hash is known).
// Modes: jspi and asyncify in Chromium (one page, through the embed API) and
// node (the Node CLI runner, Asyncify). Both SHA-256 must be equal.
//
//   node tests/integrity/run.mjs [--mib 1024] [--modes jspi,asyncify,node]
//
// Prints Markdown; exit status 1 on any mismatch or failed run.
import { chromium } from '@playwright/test';
import crypto from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { runGuest, siteDir, startRelay } from '../browser/fixtures.js';
import { startHashingSink, startSource } from '../browser/tcp_peers.js';
import { runCli } from '../node/run_cli.js';

const { values } = parseArgs({
  options: { mib: { type: 'string', default: '1024' }, modes: { type: 'string', default: 'jspi,asyncify,node' } },
});
const blockMiB = 64;
const times = Math.max(1, Math.round(Number(values.mib) / blockMiB));
const block = crypto.randomBytes(blockMiB * 1024 * 1024);
const size = block.length * times;
const expected = (() => {
  const hash = crypto.createHash('sha256');
  for (let i = 0; i < times; i++) hash.update(block);
  return hash.digest('hex');
})();

const relay = await startRelay(['--dev']);
const wisp = `ws://127.0.0.1:${relay.port}/wisp/`;
const source = await startSource(block, times);
const sink = await startHashingSink();
const modes = values.modes.split(',');
const browser = modes.some((m) => m !== 'node')
  ? await chromium.launch({ executablePath: process.env.SOCKBRIDGE_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] })
  : null;
const page = browser && (await browser.newPage());
await page?.goto(`${relay.url}/healthz`);

/** Runs `transfer` with args in a mode; resolves to { code, stdout, stderr, seconds }. */
async function transfer(mode, args) {
  const started = Date.now();
  const result = mode === 'node'
    ? await runCli([path.join(siteDir, 'guests', 'transfer.wasm'), ...args, '--relay', wisp])
    : await runGuest(/** @type {any} */ (page), { guest: 'transfer', args, relay: wisp, blocking: mode });
  return { ...result, seconds: (Date.now() - started) / 1000 };
}

let failed = 0;
console.log(`## tests/integrity — ${size / 1048576} MiB each way, SHA-256 on both ends\n`);
console.log('| mode | direction | bytes | seconds | MB/s | SHA-256 equal |\n|---|---|---|---|---|---|');
const row = (mode, direction, ok, seconds, detail) => {
  if (!ok) failed++;
  console.log(`| ${mode} | ${direction} | ${size} | ${seconds.toFixed(1)} | ${(size / 1e6 / seconds).toFixed(1)} | ${ok ? 'yes' : `**no**: ${detail}`} |`);
};
try {
  for (const mode of modes) {
    const down = await transfer(mode, ['get', '127.0.0.1', String(source.port)]);
    row(mode, 'relay → guest', down.code === 0 && down.stdout.startsWith(`received ${size} sha256 ${expected} `), down.seconds,
      (down.stderr || down.stdout).trim());
    const up = await transfer(mode, ['put', '127.0.0.1', String(sink.port), String(size)]);
    const sent = /^sent (\d+) sha256 ([0-9a-f]{64}) /.exec(up.stdout);
    row(mode, 'guest → relay', up.code === 0 && !!sent && sent[1] === String(size) && up.stdout.includes(`sink ${size} sha256 ${sent[2]}\n`),
      up.seconds, (up.stderr || up.stdout).trim());
  }
} finally {
  await browser?.close();
  relay.process.kill('SIGTERM');
  source.server.close();
  sink.server.close();
}
process.exit(failed ? 1 : 0);
