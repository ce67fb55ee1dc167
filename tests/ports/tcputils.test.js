// tcputils 0.6.2 (tcpconnect / tcplisten) from Debian, built unmodified with a
// plain Makefile (guest/ports/tcputils): a netcat-like client and server.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { closedPort } from '../browser/fixtures.js';
import { startAnsweringServer, startGuest, talkToListener, usePorts } from './guest_run.js';

const built = usePorts(['tcputils']);

test('tcpconnect (tcputils) sends stdin, half-closes on its end and prints the answer', async () => {
  const { server, port } = await startAnsweringServer();
  try {
    const guest = startGuest(path.join(built.tcputils, 'tcpconnect'), ['-v', '127.0.0.1', String(port)], {
      stdin: 'line one\nline two\n',
    });
    const result = await guest.exited;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.toString(), 'hello from a native server\nyou said: line one\nline two\n');
    assert.match(result.stderr, new RegExp(`\\[Connected to 127\\.0\\.0\\.1 port ${port}\\]`));
    assert.match(result.stderr, /\[Connection closed\]/);
  } finally {
    server.close();
  }
});

test('tcpconnect (tcputils) reports a refused connection with strerror text', async () => {
  const port = await closedPort();
  const result = await startGuest(path.join(built.tcputils, 'tcpconnect'), ['127.0.0.1', String(port)], { stdin: '' })
    .exited;
  assert.equal(result.code, 1);
  assert.match(result.stderr, /tcpconnect: Can't connect to server: Connection refused/);
});

test('tcplisten (tcputils) serves a native TCP client through the relay listening socket', async () => {
  const port = await closedPort();
  const guest = startGuest(path.join(built.tcputils, 'tcplisten'), ['-v', '127.0.0.1', String(port)], {
    stdin: 'greetings from the wasm side\n',
  });
  const received = await talkToListener(port, 'hi from a native client\n');
  const result = await guest.exited;
  assert.equal(result.code, 0, result.stderr);
  assert.equal(received, 'greetings from the wasm side\n');
  assert.equal(result.stdout.toString(), 'hi from a native client\n');
  assert.match(result.stderr, /\[Connection from 127\.0\.0\.1 port \d+\]/);
});
