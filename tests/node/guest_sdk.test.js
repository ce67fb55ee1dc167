// The guest SDK's libc layer end to end: an ordinary POSIX program
// (tests/guest/posix_fetch.c: getaddrinfo, connect, setsockopt, shutdown,
// poll, read, getpeername, getnameinfo) run by the Node CLI through the real
// relay against a real TCP server that answers only after our half-close.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { siteDir, startRelay } from '../browser/fixtures.js';

const cli = new URL('../../shim-js/cli.js', import.meta.url).pathname;
const libc = path.join(siteDir, '..', 'guest', 'guest', 'libsockbridge_libc.a');
const guest = `${siteDir}/guests/posix_fetch.wasm`;

let relay;
/** @type {net.Server} */
let server;
let serverPort = 0;

before(async () => {
  relay = await startRelay(['--dev']);
  // Answers with what it read, upper-cased, once the client has finished sending.
  server = net.createServer({ allowHalfOpen: true }, (socket) => {
    let request = '';
    socket.on('data', (chunk) => (request += chunk));
    socket.on('end', () => socket.end(`ANSWER: ${request.toUpperCase()}`));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverPort = /** @type {net.AddressInfo} */ (server.address()).port;
});
after(() => {
  relay.process.kill('SIGTERM');
  server.close();
});

function run(args, program = guest) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, program, ...args, '--relay', `ws://127.0.0.1:${relay.port}/wisp/`]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('an unmodified POSIX client resolves, connects, half-closes and reads the answer', async () => {
  const result = await run(['localhost', String(serverPort)]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'ANSWER: QUESTION FROM POSIX_FETCH\n');
  assert.match(result.stderr, new RegExp(`connected to 127\\.0\\.0\\.1 port ${serverPort}`));
});

test('getaddrinfo failures read as gai_strerror text', async () => {
  const result = await run(['no-such-host.invalid', '80']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /no-such-host\.invalid: Name does not resolve/);
});

test('a plain Makefile builds the same program with CC=sockbridge-cc, JSPI and Asyncify builds both', async () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'sockbridge-cc-'));
  try {
    const source = new URL('../guest/posix_fetch.c', import.meta.url).pathname;
    writeFileSync(path.join(work, 'Makefile'), `fetch.wasm: ${source}\n\t$(CC) -O2 -o $@ $<\n`);
    const sockbridgeCc = new URL('../../guest/bin/sockbridge-cc', import.meta.url).pathname;
    execFileSync('make', ['-s', '-C', work, `CC=${sockbridgeCc}`], { stdio: 'pipe' });
    const result = await run(['127.0.0.1', String(serverPort)], path.join(work, 'fetch.wasm'));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'ANSWER: QUESTION FROM POSIX_FETCH\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('a CMake project builds the same program with the toolchain file and SOCKBRIDGE_LIBC, Asyncify too', async () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'sockbridge-cmake-'));
  try {
    const source = new URL('../guest/posix_fetch.c', import.meta.url).pathname;
    writeFileSync(
      path.join(work, 'CMakeLists.txt'),
      `cmake_minimum_required(VERSION 3.20)\nproject(fetch C)\nadd_executable(fetch ${source})\n`,
    );
    const toolchain = new URL('../../guest/cmake/wasm32-wasi.cmake', import.meta.url).pathname;
    const build = path.join(work, 'build');
    const configure = ['-S', work, '-B', build, '-G', 'Ninja', `--toolchain=${toolchain}`, `-DSOCKBRIDGE_LIBC=${libc}`];
    execFileSync('cmake', configure, { stdio: 'pipe' });
    execFileSync('cmake', ['--build', build], { stdio: 'pipe' });
    const result = await run(['127.0.0.1', String(serverPort)], path.join(build, 'fetch.wasm'));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'ANSWER: QUESTION FROM POSIX_FETCH\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
