// libevent 2.1.12 from Debian, built unmodified with CMake and the SDK's
// toolchain file (guest/ports/libevent), and its samples: every event_base
// makes a local pipe for its signal wake-up (the host kernel's pipe()), then
// runs its poll backend over relay sockets.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { closedPort } from '../browser/fixtures.js';
import { startDnsmasq, zone } from './dnsmasq.js';
import { connectWhenListening, startGuest, until, usePorts } from './guest_run.js';
import { startProxiedOrigin } from './http_proxy.js';

const built = usePorts(['libevent']);
const sample = (/** @type {string} */ name) => path.join(built.libevent, 'build-wasm/bin', `${name}.wasm`);

/** Reads everything a TCP peer sends until it closes. @param {import('node:net').Socket} socket @returns {Promise<string>} */
function readAll(socket) {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.on('data', (chunk) => (text += chunk));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

/** A GET to 127.0.0.1:port; resolves to status, headers and the body's bytes. @param {number} port @param {string} target */
function get(port, target) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: target, agent: false }, (response) => {
        /** @type {Buffer[]} */
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }),
        );
      })
      .on('error', reject);
  });
}

test('hello-world (libevent sample) greets several native clients connected at once', async () => {
  // The sample listens on its fixed port 9995 (through the relay's listening socket).
  const guest = startGuest(sample('hello-world'), []);
  try {
    const first = await connectWhenListening(9995);
    const others = await Promise.all([1, 2, 3, 4].map(() => connectWhenListening(9995)));
    const greetings = await Promise.all([first, ...others].map(readAll));
    assert.deepEqual(greetings, Array(5).fill('Hello, World!\n'));
    // Each connection was answered and closed by the guest, which still serves: one more.
    assert.equal(await readAll(await connectWhenListening(9995)), 'Hello, World!\n');
    assert.equal(guest.output.stderr, '');
  } finally {
    guest.child.kill('SIGKILL');
  }
});

test('http-server (libevent sample) serves files and a listing from a directory to native HTTP requests', async (t) => {
  const docroot = mkdtempSync(path.join(os.tmpdir(), 'libevent-docroot-'));
  t.after(() => rmSync(docroot, { recursive: true, force: true }));
  mkdirSync(path.join(docroot, 'sub'));
  writeFileSync(path.join(docroot, 'index.html'), '<h1>hello from libevent</h1>\n');
  const blob = Buffer.alloc(300_000);
  for (let i = 0; i < blob.length; ++i) blob[i] = (i * 7919) % 251;
  writeFileSync(path.join(docroot, 'sub', 'blob.bin'), blob);

  const port = await closedPort();
  const guest = startGuest(sample('http-server'), ['-p', String(port), '/srv'], { files: {
    '/srv/index.html': path.join(docroot, 'index.html'),
    '/srv/sub/blob.bin': path.join(docroot, 'sub', 'blob.bin'),
  } });
  try {
    await until(guest, () => guest.output.stdout.toString().includes(`Listening on`), 'it listens');
    const page = /** @type {any} */ (await get(port, '/index.html'));
    assert.equal(page.status, 200);
    assert.equal(page.headers['content-type'], 'text/html');
    assert.equal(page.body.toString(), '<h1>hello from libevent</h1>\n');

    // Several requests at once, one of them 300 kB.
    const [big, listing, missing] = /** @type {any[]} */ (
      await Promise.all([get(port, '/sub/blob.bin'), get(port, '/'), get(port, '/missing.txt')])
    );
    assert.equal(big.status, 200);
    const digest = (/** @type {Buffer} */ bytes) => createHash('sha256').update(bytes).digest('hex');
    assert.equal(digest(big.body), digest(readFileSync(path.join(docroot, 'sub', 'blob.bin'))));
    assert.equal(listing.status, 200);
    assert.match(listing.body.toString(), /<a href="index.html">index.html<\/a>/);
    assert.match(listing.body.toString(), /<a href="sub">sub<\/a>/);
    assert.equal(missing.status, 404);
    await until(guest, () => guest.output.stdout.toString().includes('GET request for </missing.txt>'), 'the log');
  } finally {
    guest.child.kill('SIGKILL');
  }
});

test('http-connect (libevent sample) fetches a page through a native CONNECT proxy', async (t) => {
  const peers = await startProxiedOrigin();
  t.after(() => peers.close());
  const result = await startGuest(sample('http-connect'), [
    `http://127.0.0.1:${peers.proxyPort}`,
    `http://127.0.0.1:${peers.originPort}/some/path?q=1`,
  ]).exited;
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout.toString(), 'origin saw GET /some/path?q=1 host=127.0.0.1\n');
  assert.deepEqual(peers.tunnels, [`127.0.0.1:${peers.originPort}`]);
});

test('dns-example (libevent sample, evdns) resolves names against a native DNS server over UDP', async (t) => {
  const dns = await startDnsmasq();
  t.after(() => dns.stop());
  const result = await startGuest(sample('dns-example'), ['-s', `127.0.0.1:${dns.port}`, zone.host, `nothing.${zone.localDomain}`])
    .exited;
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.toString().split('\n');
  assert.ok(lines.includes(`${zone.host}: ${zone.ipv4}`), result.stdout);
  assert.ok(lines.some((line) => line.startsWith(`nothing.${zone.localDomain}: No answer`)), result.stdout);
});
