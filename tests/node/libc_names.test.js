// The libc layer's names that need no peer (tests/guest/libc_names.c):
// getservbyname/getprotobyname tables, inet_* helpers, shutdown() numbering,
// fcntl/ioctl non-blocking flags, close() on sockets, argument errors.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';

import { siteDir, startRelay } from '../browser/fixtures.js';

const cli = new URL('../../shim-js/cli.js', import.meta.url).pathname;

let relay;
before(async () => (relay = await startRelay(['--dev'])));
after(() => relay.process.kill('SIGTERM'));

test('every libc_names check passes', async () => {
  const child = spawn(process.execPath, [
    cli,
    `${siteDir}/guests/libc_names.wasm`,
    '--relay',
    `ws://127.0.0.1:${relay.port}/wisp/`,
  ]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, `${stdout}${stderr}`);
  assert.match(stdout, /^libc_names: (\d+) of \1 checks passed\n$/);
});
