// The guest SDK archive as a user gets it: sockbridge-sdk-*.tar.xz (made by
// the package.sdk fixture, packaging/sdk/pack.mjs) unpacked into a fresh
// directory away from this checkout, a small POSIX socket program built with
// its sockbridge-cc, and run by the npm package's sockbridge-run (installed
// offline from its tarball) through the real relay to a real TCP server on
// 127.0.0.1. Run as `node --test tests/package/sdk.test.js` (ctest package.sdk).
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { relayBinary, startRelay } from '../browser/fixtures.js';
import { packageFile, run } from './package_fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const npmTarball = packageFile('npm', '.tgz');
const archive = packageFile('sdk', '.tar.xz');

// An ordinary POSIX client: getaddrinfo, connect, send, read until the peer closes.
const PROGRAM = `#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 4) { fprintf(stderr, "usage: greet HOST PORT NAME\\n"); return 2; }
  struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *found;
  int error = getaddrinfo(argv[1], argv[2], &hints, &found);
  if (error) { fprintf(stderr, "getaddrinfo: %s\\n", gai_strerror(error)); return 1; }
  int fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  if (fd < 0 || connect(fd, found->ai_addr, found->ai_addrlen) < 0) { perror("connect"); return 1; }
  freeaddrinfo(found);
  if (send(fd, argv[3], strlen(argv[3]), 0) < 0 || shutdown(fd, SHUT_WR) < 0) { perror("send"); return 1; }
  char reply[256];
  ssize_t got;
  while ((got = recv(fd, reply, sizeof reply, 0)) > 0) fwrite(reply, 1, (size_t)got, stdout);
  close(fd);
  return got < 0 ? 1 : 0;
}
`;

/** @type {string} */
let work;
/** @type {Awaited<ReturnType<typeof startRelay>>} */
let relay;
/** @type {net.Server} */
let server;

before(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'sockbridge-sdk-'));
  const unpack = await run('tar', ['-xJf', archive, '-C', work]);
  assert.equal(unpack.code, 0, unpack.output);
  const install = await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--cache', path.join(work, '.npm-cache'), npmTarball],
    { cwd: work });
  assert.equal(install.code, 0, install.output);
  // A real peer: answers "hello, NAME" to whatever one client sends, then closes.
  server = net.createServer((socket) => {
    let name = '';
    socket.on('data', (chunk) => (name += chunk));
    socket.on('end', () => socket.end(`hello, ${name}\n`));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  relay = await startRelay(['--dev'], work);
});

after(async () => {
  relay?.process.kill('SIGTERM');
  server?.close();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

test('the unpacked SDK refers to nothing in this checkout', async () => {
  const [sdk] = (await fs.readdir(work)).filter((name) => name.startsWith('sockbridge-sdk-'));
  const grep = await run('grep', ['-rlF', '-e', root, '-e', path.dirname(relayBinary), path.join(work, sdk)]);
  assert.equal(grep.code, 1, `files name the checkout:\n${grep.output}`); // 1: no match
});

test('a socket program built with the unpacked SDK runs with the npm runner', async () => {
  const [sdk] = (await fs.readdir(work)).filter((name) => name.startsWith('sockbridge-sdk-'));
  await fs.writeFile(path.join(work, 'greet.c'), PROGRAM);
  // PATH without the checkout's guest/bin; nothing else points at the repository.
  const env = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: work };
  const compile = await run(path.join(work, sdk, 'bin/sockbridge-cc'), ['-O2', '-Wall', '-Werror', '-o', 'greet.wasm', 'greet.c'],
    { cwd: work, env });
  assert.equal(compile.code, 0, compile.output);
  await fs.access(path.join(work, 'greet.asyncify.wasm'));

  const port = /** @type {net.AddressInfo} */ (server.address()).port;
  const result = await run(path.join(work, 'node_modules/.bin/sockbridge-run'),
    ['greet.wasm', '127.0.0.1', String(port), 'unpacked SDK', '--relay', `ws://127.0.0.1:${relay.port}/wisp/`],
    { cwd: work, env: { ...env, PATH: `${path.dirname(process.execPath)}:${env.PATH}` } });
  assert.equal(result.code, 0, result.output);
  assert.equal(result.stdout, 'hello, unpacked SDK\n');
});
