// setjmp/longjmp and alarm() in guests (guest/include/setjmp.h,
// guest/libc/setjmp.c, guest/libc/alarm_wait.c): tests/guest/setjmp_alarm.c,
// Asyncify build, run by the Node CLI through the real relay against real
// TCP servers on 127.0.0.1 — one that echoes and one that never answers.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { after, before, test } from 'node:test';

import { siteDir, startRelay } from '../browser/fixtures.js';

const cli = new URL('../../shim-js/cli.js', import.meta.url).pathname;
const guest = `${siteDir}/guests/setjmp_alarm.wasm`;

/** @type {Awaited<ReturnType<typeof startRelay>>} */
let relay;
/** @type {net.Server} */
let echoServer;
/** @type {net.Server} */
let silentServer;
/** @type {net.Socket[]} */
const silentClients = [];

/** @param {net.Server} server */
async function listen(server) {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
}

before(async () => {
  relay = await startRelay(['--dev']);
  echoServer = net.createServer((socket) => socket.pipe(socket));
  silentServer = net.createServer((socket) => silentClients.push(socket));
  await Promise.all([listen(echoServer), listen(silentServer)]);
});
after(() => {
  relay.process.kill('SIGTERM');
  echoServer.close();
  silentClients.forEach((socket) => socket.destroy());
  silentServer.close();
});

/** @param {string[]} args */
function run(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, guest, '--relay', `ws://127.0.0.1:${relay.port}/wisp/`, '--', ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const portOf = (/** @type {net.Server} */ server) => String(/** @type {net.AddressInfo} */ (server.address()).port);

test('longjmp returns its value to setjmp from deep calls, nested jmp_bufs and a reused one', async () => {
  const result = await run(['nested']);
  assert.equal(result.stderr, '');
  assert.equal(
    result.stdout,
    [
      'longjmp from 40 calls deep: setjmp returned 42',
      'longjmp(env, 0): setjmp returned 1',
      'inner then outer: 12',
      'a jmp_buf reused 100 times',
      '',
    ].join('\n'),
  );
  assert.equal(result.code, 0);
});

test('longjmp out of frames that waited in a blocking recv, twice on one socket', async () => {
  const result = await run(['across', '127.0.0.1', portOf(echoServer)]);
  assert.equal(result.stderr, '');
  assert.equal(
    result.stdout,
    [
      'round 1: longjmp from recv 12 calls deep: 19 bytes',
      'round 2: longjmp from recv 12 calls deep: 19 bytes',
      '',
    ].join('\n'),
  );
  assert.equal(result.code, 0);
});

test('alarm(1) interrupts a recv from a silent server and its handler longjmps out, as netcat times out', async () => {
  const result = await run(['timeout', '127.0.0.1', portOf(silentServer)]);
  assert.equal(result.stderr, '');
  assert.equal(result.stdout, 'SIGALRM left the blocking recv by longjmp, 1 alarm, after about 1 second\n');
  assert.equal(result.code, 0);
});

test('an alarm whose handler returns makes the blocking recv fail with EINTR', async () => {
  const result = await run(['eintr', '127.0.0.1', portOf(silentServer)]);
  assert.equal(result.stderr, '');
  assert.equal(result.stdout, 'recv returned -1, errno EINTR, 1 alarm\nalarm(0) after it rang: 0 seconds were left\n');
  assert.equal(result.code, 0);
});
