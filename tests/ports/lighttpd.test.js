// lighttpd 1.4.69 from Debian, built unmodified with Meson and the SDK's cross
// file (guest/ports/lighttpd): in the foreground (-D) it opens /dev/null and
// dup2()s it onto stdin and stdout, then serves a directory given to the guest
// with its poll event handler, through the relay's listening socket.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { closedPort } from '../browser/fixtures.js';
import { connectWhenListening, startGuest, usePorts } from './guest_run.js';

const built = usePorts(['lighttpd']);
const lighttpd = () => path.join(built.lighttpd, 'build/src/lighttpd.wasm');

/**
 * A GET to 127.0.0.1:port through agent; resolves to status, headers and the body's bytes.
 * @param {number} port @param {string} target @param {http.Agent | false} agent @param {Record<string, string>} [headers]
 */
function get(port, target, agent, headers = {}) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: target, agent, headers }, (response) => {
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

const digest = (/** @type {Buffer} */ bytes) => createHash('sha256').update(bytes).digest('hex');

test('lighttpd serves a directory to 30 concurrent keep-alive clients, with Range, 404 and a 300 kB file', async (t) => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'lighttpd-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const docroot = path.join(work, 'www');
  const port = await closedPort();
  writeFileSync(
    path.join(work, 'lighttpd.conf'),
    [
      'server.document-root = "/srv/www"',
      `server.port = ${port}`,
      'server.bind = "127.0.0.1"',
      'server.event-handler = "poll"',
      // lighttpd sizes itself with getrlimit(RLIMIT_NOFILE), which WASI lacks:
      // without server.max-fds it assumes 32 descriptors, so 10 connections,
      // and the other 20 clients would wait out the first ten's 5 s keep-alive.
      'server.max-fds = 256',
      'index-file.names = ( "index.html" )',
      'mimetype.assign = ( ".html" => "text/html", ".bin" => "application/octet-stream" )',
      '',
    ].join('\n'),
  );
  mkdirSync(docroot);
  writeFileSync(path.join(docroot, 'index.html'), '<h1>hello from lighttpd</h1>\n');
  const blob = Buffer.alloc(300_000);
  for (let i = 0; i < blob.length; ++i) blob[i] = (i * 7919) % 251;
  writeFileSync(path.join(docroot, 'blob.bin'), blob);

  const guest = startGuest(lighttpd(), ['-D', '-f', '/etc/lighttpd.conf'], {
    files: { '/etc/lighttpd.conf': path.join(work, 'lighttpd.conf') },
    dirs: { '/srv/www': docroot },
  });
  t.after(() => guest.child.kill('SIGKILL'));
  (await connectWhenListening(port)).destroy();

  // 30 clients at once, each with its own keep-alive connection asking twice.
  const agents = Array.from({ length: 30 }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  t.after(() => agents.forEach((agent) => agent.destroy()));
  const pages = /** @type {any[]} */ (await Promise.all(agents.map((agent) => get(port, '/', agent))));
  const again = /** @type {any[]} */ (await Promise.all(agents.map((agent) => get(port, '/index.html', agent))));
  for (const page of [...pages, ...again]) {
    assert.equal(page.status, 200);
    assert.equal(page.headers['content-type'], 'text/html');
    assert.equal(page.body.toString(), '<h1>hello from lighttpd</h1>\n');
  }
  assert.ok(again.every((page) => page.headers.connection !== 'close'), 'the connections were kept alive');

  const [big, part, missing] = /** @type {any[]} */ (
    await Promise.all([
      get(port, '/blob.bin', false),
      get(port, '/blob.bin', false, { Range: 'bytes=1000-1999' }),
      get(port, '/missing.txt', false),
    ])
  );
  assert.equal(big.status, 200);
  assert.equal(digest(big.body), digest(blob));
  assert.equal(part.status, 206);
  assert.equal(part.headers['content-range'], `bytes 1000-1999/${blob.length}`);
  assert.deepEqual(part.body, blob.subarray(1000, 2000));
  assert.equal(missing.status, 404);
  assert.equal(guest.output.stdout.length, 0, 'stdout is /dev/null');
});
