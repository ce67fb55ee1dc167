// A program written for libcurl links the real one: tests/guest/libcurl_api.c
// (ours: duphandle, reset, binary and copied POST bodies, getinfo of every
// type, redirect infos, a write callback that refuses data, unknown options,
// malformed and refused URLs) built here by the SDK's sockbridge-cc against the
// curl port's libcurl (-lcurl -lmbedtls -lmbedx509 -lmbedcrypto -lz from
// build/sdk), run through the Node CLI and the relay against the HTTP server
// of tests/browser/curl_server.js. What it prints is what the same source
// prints natively over Debian's libcurl 7.88.1.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';

import { closedPort } from '../browser/fixtures.js';
import { startCurlTestServer } from '../browser/curl_server.js';
import { sdkDir } from '../../guest/ports/build.mjs';
import { startGuest, usePorts } from './guest_run.js';

usePorts(['curl']);
const root = new URL('../..', import.meta.url).pathname;
const program = path.join(path.dirname(sdkDir), 'libcurl_api', 'libcurl_api.wasm');

/** @type {Awaited<ReturnType<typeof startCurlTestServer>>} */
let server;
before(async () => {
  mkdirSync(path.dirname(program), { recursive: true });
  await promisify(execFile)(
    path.join(sdkDir, 'bin', 'sockbridge-cc'),
    ['-O2', '-Wall', '-Wextra', '-Werror', path.join(root, 'tests/guest/libcurl_api.c'),
      '-lcurl', '-lmbedtls', '-lmbedx509', '-lmbedcrypto', '-lz', '-o', program],
  );
  server = await startCurlTestServer();
});
after(() => server?.close());

/** What libcurl_api prints against the test server at 127.0.0.1:PORT, as native libcurl 7.88.1 prints it. */
const expected = (/** @type {number} */ port) => `get: result 0 (No error), status 200, body [hello from a real TCP server
]
info: type text/plain, size 29 / 29, connects 1
unknown option: 48
duphandle: result 0 (No error), status 200, body [hello from a real TCP server
]
duphandle connects: 1
same handle again: result 0 (No error), status 200, body [hello from a real TCP server
]
reused connects: 0
after reset, no URL: result 3 (URL using bad/illegal format or missing URL), status 0, body []
binary post: result 0 (No error), status 200, body [POST /echo
host: 127.0.0.1:${port}
accept: */*
content-type: application/x-www-form-urlencoded
content-length: 3
body: a]
copied post: result 0 (No error), status 200, body [POST /echo
host: 127.0.0.1:${port}
accept: */*
content-type: application/x-www-form-urlencoded
content-length: 10
body: copied=yes
]
redirected get: result 0 (No error), status 200, body [arrived with GET
]
redirect info: GET /redirect/0 after 2 redirects, 20 header lines, time measured: yes
unfollowed redirect: result 0 (No error), status 302, body [redirect body that a client following the redirect drops
]
redirect url: /redirect/1
refusing write callback: result 23 (Failed writing received data to disk/application), status 200, body []
malformed URL: result 3 (URL using bad/illegal format or missing URL), status 0, body []
refused: result 7 (Couldn't connect to server), status 0, body []
error buffer names the port: yes
`;

test('the easy API through the real libcurl: duphandle, reset, binary and copied POST bodies, getinfo, refusing callbacks', async () => {
  const { code, stdout, stderr } = await startGuest(program, [`http://127.0.0.1:${server.port}`, String(await closedPort())]).exited;
  assert.equal(code, 0, stderr);
  // The duplicate connects anew; the original handle then reuses its kept-alive connection.
  assert.equal(stdout.toString(), expected(server.port));
});
