// Local pipes and socket pairs in a guest (web/host/src/local_pair.cpp,
// guest/libc/pipe.c, socketpair.c): tests/guest/pipes.c through the Node CLI,
// Asyncify build, with the real relay (a guest always has one; the pipes
// never reach it).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { siteDir, startRelay } from '../browser/fixtures.js';
import { runCli } from './run_cli.js';

/** @type {Awaited<ReturnType<typeof startRelay>>} */
let relay;
before(async () => {
  relay = await startRelay(['--dev']);
});
after(() => relay.process.kill('SIGTERM'));

test('pipe, pipe2 and socketpair carry bytes with end of file, EPIPE, O_NONBLOCK, poll and select', async () => {
  const result = await runCli([`${siteDir}/guests/pipes.wasm`, '--relay', `ws://127.0.0.1:${relay.port}/wisp/`]);
  assert.equal(result.stderr, '');
  const lines = result.stdout.trim().split('\n');
  assert.deepEqual(lines.filter((line) => !line.startsWith('ok ')), ['0 failures']);
  for (const name of ['pipe_eof', 'pipe_epipe', 'pipe_full', 'poll_timeout', 'poll_hangup', 'select_readable',
    'socketpair_back', 'socketpair_shutdown', 'socketpair_epipe', 'socketpair_inet', 'socketpair_dgram'])
    assert.ok(lines.includes(`ok ${name}`), `${name} ran: ${result.stdout}`);
  assert.equal(result.code, 0);
});
