// Scale-out with no shared state: two relay processes behind Debian's nginx
// on 127.0.0.1 (WebSocket upgrade, long timeouts), many Wisp sessions through
// the balancer. Both relays must have served sessions, every session is
// accounted for in their logs, and every transfer comes back byte-exact.
import { client as wisp } from '@mercuryworkshop/wisp-js/client';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { closedPort, siteDir, startHttpServer, startRelay } from '../browser/fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const nginxBinary = '/usr/sbin/nginx';
const sessions = 48;
const concurrency = 8;
const uploadBytes = 96 * 1024;
const downloadBytes = 512 * 1024;

/**
 * The balancer's config: one upstream per relay, HTTP/1.1 with the Upgrade and
 * Connection headers passed on (WebSocket), timeouts long enough for idle sessions.
 * @param {string} dir @param {number} listenPort @param {number[]} relayPorts
 */
function nginxConfig(dir, listenPort, relayPorts) {
  return `worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  upstream relays {
${relayPorts.map((port) => `    server 127.0.0.1:${port} max_fails=0;`).join('\n')}
  }
  server {
    listen 127.0.0.1:${listenPort};
    location / {
      proxy_pass http://relays;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_connect_timeout 5s;
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
      proxy_buffering off;
    }
  }
}
`;
}

/**
 * Starts nginx in the foreground with that config; resolves once it answers HTTP.
 * @param {string} dir @param {number} port @param {number[]} relayPorts
 */
async function startNginx(dir, port, relayPorts) {
  const config = path.join(dir, 'nginx.conf');
  await fs.writeFile(config, nginxConfig(dir, port, relayPorts));
  const child = spawn(nginxBinary, ['-p', dir, '-c', config, '-e', 'stderr', '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  /** @type {string[]} */
  const log = [];
  readline.createInterface({ input: /** @type {any} */ (child.stderr) }).on('line', (line) => log.push(line));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  for (let attempt = 0; attempt < 100; attempt++) {
    const ready = await Promise.race([
      fetch(`http://127.0.0.1:${port}/healthz`).then((response) => response.ok, () => false),
      exited.then(() => 'exited'),
    ]);
    if (ready === 'exited') throw new Error(`nginx exited:\n${log.join('\n')}`);
    if (ready) return { process: child, log, exited };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGTERM');
  throw new Error(`nginx never answered on port ${port}:\n${log.join('\n')}`);
}

/** A TCP peer: after "D<n>\n" it sends n bytes of payload(), after "E<n>\n" it echoes n bytes; then it closes. */
function startPeer() {
  const server = net.createServer((socket) => {
    let header = Buffer.alloc(0);
    const onData = (/** @type {Buffer} */ data) => {
      header = Buffer.concat([header, data]);
      const newline = header.indexOf(10);
      if (newline < 0) return;
      socket.off('data', onData);
      const command = header.subarray(0, newline).toString('latin1');
      const length = Number(command.slice(1));
      if (command[0] === 'D') return socket.end(payload(length));
      let echoed = 0;
      const echo = (/** @type {Buffer} */ chunk) => {
        echoed += chunk.length;
        socket.write(chunk);
        if (echoed >= length) socket.end();
      };
      socket.on('data', echo);
      if (header.length > newline + 1) echo(header.subarray(newline + 1));
    };
    socket.on('data', onData);
    socket.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Deterministic bytes the client can check without a copy: SHA-256 in counter mode. @param {number} length */
function payload(length) {
  const out = Buffer.alloc(length);
  for (let offset = 0, block = 0; offset < length; offset += 32, block++) {
    createHash('sha256').update(`block ${block}`).digest().copy(out, offset);
  }
  return out;
}

/** @param {string} url @returns {Promise<any>} a ready wisp-js connection */
function openConnection(url) {
  const connection = new wisp.ClientConnection(url, { wisp_version: 2 });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('wisp connection through nginx did not open')), 10_000);
    connection.onopen = () => {
      clearTimeout(timer);
      resolve(connection);
    };
    connection.onerror = () => reject(new Error('wisp connection through nginx failed'));
  });
}

/**
 * Sends `request` on a new stream to 127.0.0.1:port; resolves with what came
 * back once the peer closed the stream normally (Wisp close reason 0x02).
 * @param {any} connection @param {number} port @param {Uint8Array} request
 * @returns {Promise<Buffer>}
 */
function exchange(connection, port, request) {
  const stream = connection.create_stream('127.0.0.1', port);
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let received = 0;
    const timer = setTimeout(() => reject(new Error(`transfer stalled after ${received} bytes`)), 30_000);
    stream.onmessage = (/** @type {Uint8Array} */ data) => {
      chunks.push(Buffer.from(data));
      received += data.length;
    };
    stream.onclose = (/** @type {number} */ reason) => {
      clearTimeout(timer);
      if (reason === 0x02) resolve(Buffer.concat(chunks));
      else reject(new Error(`stream closed with reason ${reason} after ${received} bytes`));
    };
    stream.send(request);
  });
}

/** One session: an upload echoed back and a download, both compared byte for byte. @param {string} url */
async function oneSession(url, /** @type {number} */ peerPort) {
  const connection = await openConnection(url);
  try {
    const upload = randomBytes(uploadBytes);
    const [echoed, downloaded] = await Promise.all([
      exchange(connection, peerPort, Buffer.concat([Buffer.from(`E${upload.length}\n`), upload])),
      exchange(connection, peerPort, Buffer.from(`D${downloadBytes}\n`)),
    ]);
    assert.ok(echoed.equals(upload), `echo: ${echoed.length} of ${upload.length} bytes, or different bytes`);
    assert.ok(downloaded.equals(expectedDownload), `download: ${downloaded.length} of ${downloadBytes} bytes, or different bytes`);
  } finally {
    connection.close();
  }
}

const expectedDownload = payload(downloadBytes);
/** @type {Awaited<ReturnType<typeof startRelay>>[]} */
let relays = [];
/** @type {Awaited<ReturnType<typeof startNginx>> | undefined} */
let nginx;
/** @type {net.Server} */
let peer;
/** @type {Awaited<ReturnType<typeof startHttpServer>>} */
let http;
let dir = '';
let balancerPort = 0;

before(async () => {
  await fs.access(nginxBinary).catch(() => {
    throw new Error(`${nginxBinary} is missing: scripts/bootstrap installs Debian's nginx`);
  });
  relays = await Promise.all([startRelay(['--dev']), startRelay(['--dev'])]);
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sockbridge-nginx-'));
  balancerPort = await closedPort();
  nginx = await startNginx(dir, balancerPort, relays.map((relay) => relay.port));
  peer = await startPeer();
  http = await startHttpServer();
});

after(async () => {
  if (nginx) {
    nginx.process.kill('SIGTERM');
    await nginx.exited;
  }
  for (const relay of relays) relay.process.kill('SIGTERM');
  peer?.close();
  http?.server.closeAllConnections();
  http?.server.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

/** @param {string} event */
const countEvents = (/** @type {string[]} */ log, event) => log.filter((line) => line.includes(`"event":"${event}"`)).length;

test(`${sessions} Wisp sessions through nginx spread over two relays, every byte intact`, async () => {
  const url = `ws://127.0.0.1:${balancerPort}/wisp/`;
  const peerPort = /** @type {net.AddressInfo} */ (peer.address()).port;
  const before = relays.map((relay) => countEvents(relay.log, 'session_open'));
  let next = 0;
  const workers = Array.from({ length: concurrency }, async () => {
    while (next < sessions) {
      next++;
      await oneSession(url, peerPort);
    }
  });
  await Promise.all(workers);

  // Every session shows up in exactly one relay's log (lines arrive asynchronously).
  /** @type {number[]} */
  let served = [];
  for (let attempt = 0; attempt < 100; attempt++) {
    served = relays.map((relay, index) => countEvents(relay.log, 'session_open') - before[index]);
    if (served[0] + served[1] >= sessions) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(served[0] + served[1], sessions, `session_open lines per relay: ${served}`);
  assert.ok(served.every((count) => count > 0), `one relay served nothing: ${served}`);
  assert.deepEqual(nginx?.log.filter((line) => /\[(error|crit|alert|emerg)\]/.test(line)), []);
});

test('the HTTP client demo (Node CLI runner) works through the balancer', async () => {
  const cli = path.join(root, 'shim-js/cli.js');
  const guest = path.join(siteDir, 'guests/http_client.wasm');
  const args = [cli, guest, '127.0.0.1', String(http.port), '/hello', '--relay', `ws://127.0.0.1:${balancerPort}/wisp/`];
  const result = await new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(result.stdout, /hello from a real TCP server\n$/);
});
