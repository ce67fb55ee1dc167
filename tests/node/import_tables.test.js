// The imports are listed once, in guest/include/posix_sockets.h's tables
// (name, parameters, blocking or immediate). The host compiles them in and
// hands them to shim-js (imports.js builds each guest's import object from
// them); sockbridge-asyncify expands their blocking rows for wasm-opt, and the
// SDK's share/sockbridge/asyncify-imports is its output. An import missing on
// one side would trap or hang a guest only in one blocking mode, so this holds
// the built artefacts equal to each other and to the host's exports.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';

import { importTable } from '../../shim-js/src/imports.js';
import { loadHost } from '../../shim-js/src/loader.js';

const build = process.env.SOCKBRIDGE_BUILD_DIR ?? path.resolve('build');
const hostJs = path.join(build, 'site', 'host', 'host.js');

async function builtHost() {
  return loadHost(pathToFileURL(hostJs), { wasmBinary: readFileSync(hostJs.replace(/\.js$/, '.wasm')) });
}

/** @param {Map<string, Map<string, { blocking: boolean }>>} table */
function blockingNames(table) {
  return [...table].flatMap(([module, imports]) =>
    [...imports].filter(([, entry]) => entry.blocking).map(([name]) => `${module}.${name}`)).sort();
}

test('the SDK, sockbridge-asyncify and the host list the same blocking imports', async () => {
  const table = importTable(await builtHost());
  const installed = readFileSync(path.join(build, 'sdk', 'share', 'sockbridge', 'asyncify-imports'), 'utf8');
  const expanded = execFileSync(path.join(build, 'sdk', 'bin', 'sockbridge-asyncify'), ['--imports'], { encoding: 'utf8' });
  assert.ok(blockingNames(table).includes('posix_sockets.recv'), 'recv may block');
  assert.ok(blockingNames(table).includes('wasi_snapshot_preview1.fd_read'), 'fd_read (stdin) may block');
  assert.deepEqual(installed.split('\n').filter(Boolean).sort(), blockingNames(table));
  assert.deepEqual(expanded.split('\n').filter(Boolean).sort(), blockingNames(table));
});

test("every import in the host's table is one of its exports, and every import export is in the table", async () => {
  const host = await builtHost();
  const table = importTable(host);
  const listed = [...table.values()].flatMap((imports) => [...imports.values()].map((entry) => entry.hostExport));
  for (const hostExport of listed) assert.equal(typeof host[hostExport], 'function', `${hostExport} is exported`);
  // proc_exit never returns, so imports.js serves it apart from the table.
  const importExports = Object.keys(host).filter((key) => /^_sb_(sock|wasi)_/.test(key) && key !== '_sb_wasi_proc_exit');
  assert.deepEqual(importExports.sort(), listed.sort());
});
