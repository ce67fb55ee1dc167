// netcat-traditional 1.10 (nc) from Debian, built unmodified with its Makefile
// (guest/ports/netcat-traditional): connect and listen modes against native
// peers through the relay, and its timeouts — alarm() whose SIGALRM handler
// longjmp()s out of a blocking connect() or accept() — as a user sees them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { test } from 'node:test';

import { closedPort } from '../browser/fixtures.js';
import { startAnsweringServer, startGuest, talkToListener, usePorts } from './guest_run.js';

const built = usePorts(['netcat-traditional']);
const nc = () => path.join(built['netcat-traditional'], 'nc');

test('nc sends stdin to a native server and prints its answer (connect mode, -q 1)', async () => {
  const { server, port } = await startAnsweringServer();
  try {
    const result = await startGuest(nc(), ['-q', '1', '127.0.0.1', String(port)], { stdin: 'line one\nline two\n' })
      .exited;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.toString(), 'hello from a native server\nyou said: line one\nline two\n');
  } finally {
    server.close();
  }
});

test('nc -w 1 gives up on a server that stays silent after stdin ends, quietly and with status 0', async () => {
  /** @type {net.Socket[]} */
  const clients = [];
  const server = net.createServer((socket) => clients.push(socket));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const port = /** @type {net.AddressInfo} */ (server.address()).port;
  try {
    const started = Date.now();
    const result = await startGuest(nc(), ['-v', '-w', '1', '127.0.0.1', String(port)], { stdin: '' }).exited;
    const seconds = (Date.now() - started) / 1000;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.toString(), '');
    assert.match(result.stderr, new RegExp(`\\[127\\.0\\.0\\.1\\] ${port} \\(\\?\\) open`));
    assert.ok(seconds >= 1 && seconds < 10, `nc waited ${seconds} s`);
    assert.equal(clients.length, 1);
  } finally {
    clients.forEach((socket) => socket.destroy());
    server.close();
  }
});

/**
 * A listener whose accept queue is full (Python's listen(0) and one client
 * never accepted): Linux drops further SYNs, so a connect() to it hangs.
 */
async function startFullListener() {
  const child = spawn('python3', ['-c', `
import socket, sys
listener = socket.socket()
listener.bind(('127.0.0.1', 0))
listener.listen(0)
queued = socket.create_connection(listener.getsockname())
print(listener.getsockname()[1], flush=True)
sys.stdin.read()
`]);
  const [line] = await once(readline.createInterface({ input: child.stdout }), 'line');
  return { port: Number(line), stop: () => child.kill('SIGTERM') };
}

test('nc -w 1 times out a connect() that hangs: SIGALRM, longjmp, "timed out", status 1', async () => {
  const listener = await startFullListener();
  try {
    const started = Date.now();
    const result = await startGuest(nc(), ['-v', '-w', '1', '127.0.0.1', String(listener.port)], { stdin: '' }).exited;
    const seconds = (Date.now() - started) / 1000;
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`\\[127\\.0\\.0\\.1\\] ${listener.port} \\(\\?\\) : Operation timed out`));
    assert.ok(seconds >= 1 && seconds < 10, `nc waited ${seconds} s`);
  } finally {
    listener.stop();
  }
});

test('nc -l -w 1 with nobody connecting: SIGALRM longjmps out of accept(), "no connection", status 1', async () => {
  const port = await closedPort();
  const started = Date.now();
  const result = await startGuest(nc(), ['-v', '-l', '-w', '1', '-p', String(port)], { stdin: '' }).exited;
  const seconds = (Date.now() - started) / 1000;
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, new RegExp(`listening on \\[[^\\]]+\\] ${port} \\.\\.\\.`));
  assert.match(result.stderr, /no connection : Operation timed out/);
  assert.ok(seconds >= 1 && seconds < 10, `nc waited ${seconds} s`);
});

test('nc -l -p PORT accepts a native client through the relay listening socket, both ways', async () => {
  const port = await closedPort();
  const guest = startGuest(nc(), ['-l', '-p', String(port), '-q', '1'], { stdin: 'greetings from the wasm side\n' });
  const received = await talkToListener(port, 'hi from a native client\n');
  const result = await guest.exited;
  assert.equal(result.code, 0, result.stderr);
  assert.equal(received, 'greetings from the wasm side\n');
  assert.equal(result.stdout.toString(), 'hi from a native client\n');
});
