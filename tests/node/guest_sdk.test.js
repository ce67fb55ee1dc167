// The guest SDK end to end: an ordinary POSIX program
// (tests/guest/posix_fetch.c: getaddrinfo, connect, setsockopt, shutdown,
// poll, read, getpeername, getnameinfo) run by the Node CLI through the real
// relay against a real TCP server that answers only after our half-close;
// the SDK tree (build/sdk) used from elsewhere with its toolchain file alone;
// the names porters need (tests/guest/sdk_names.c); and the errors a porter
// sees for what the SDK cannot give.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { siteDir, startRelay } from '../browser/fixtures.js';

const cli = new URL('../../shim-js/cli.js', import.meta.url).pathname;
const sdk = path.join(siteDir, '..', 'sdk');
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

test('a CMake project builds the same program with a copy of the SDK and its toolchain file alone', async () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'sockbridge-cmake-'));
  try {
    // The SDK is one relocatable tree: a copy elsewhere finds its own libc and tools.
    cpSync(sdk, path.join(work, 'sdk'), { recursive: true, verbatimSymlinks: true });
    const source = new URL('../guest/posix_fetch.c', import.meta.url).pathname;
    writeFileSync(
      path.join(work, 'CMakeLists.txt'),
      `cmake_minimum_required(VERSION 3.20)\nproject(fetch C)\nadd_executable(fetch ${source})\n`,
    );
    const toolchain = path.join(work, 'sdk', 'cmake', 'wasm32-wasi.cmake');
    const build = path.join(work, 'build');
    execFileSync('cmake', ['-S', work, '-B', build, '-G', 'Ninja', `-DCMAKE_TOOLCHAIN_FILE=${toolchain}`], {
      stdio: 'pipe',
    });
    execFileSync('cmake', ['--build', build], { stdio: 'pipe' });
    const result = await run(['127.0.0.1', String(serverPort)], path.join(build, 'fetch.wasm'));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'ANSWER: QUESTION FROM POSIX_FETCH\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

/**
 * Compiles source with the SDK's sockbridge-cc; resolves to its exit status and messages.
 * @param {string} source @param {string[]} [libraries] @param {string} [keepAs]  copy prog.wasm (and its Asyncify build) here
 */
function compile(source, libraries = [], keepAs = '') {
  const work = mkdtempSync(path.join(os.tmpdir(), 'sockbridge-cc-'));
  writeFileSync(path.join(work, 'prog.c'), source);
  try {
    execFileSync(path.join(sdk, 'bin', 'sockbridge-cc'), ['prog.c', '-o', 'prog.wasm', ...libraries], { cwd: work, stdio: 'pipe' });
    if (keepAs) {
      cpSync(path.join(work, 'prog.wasm'), keepAs);
      cpSync(path.join(work, 'prog.asyncify.wasm'), keepAs.replace(/\.wasm$/, '.asyncify.wasm'));
    }
    return { code: 0, stderr: '' };
  } catch (error) {
    const failed = /** @type {{ status: number, stderr: Buffer }} */ (error);
    return { code: failed.status, stderr: failed.stderr.toString() };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

test('a program using what no guest can have fails to link, naming each symbol and why', () => {
  const result = compile('int fork(void);\nint pthread_create(void *, void *, void *, void *);\n' +
    'int main(void) { fork(); return pthread_create(0, 0, 0, 0); }\n');
  assert.equal(result.code, 1);
  assert.match(result.stderr, /undefined symbol: fork/);
  assert.match(result.stderr, /sockbridge-cc: fork: a WASI guest is one process/);
  assert.match(result.stderr, /sockbridge-cc: pthread_create: sockbridge guests are single-threaded/);
});

// Names a server uses only when it daemonizes, runs CGI or drops root: linked
// with -lsockbridge-stubs each fails at run time with its errno instead.
const namesProcesses = `#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
static void on_usr1(int signal_number, siginfo_t *info, void *context) {
  (void)context;
  printf("SIGUSR1 %d from pid %s code %d uid %u\\n", signal_number == SIGUSR1, info->si_pid == getpid() ? "self" : "other",
         info->si_code, (unsigned)info->si_uid);
}
int main(void) {
  struct sigaction action = {0};
  action.sa_sigaction = on_usr1;
  action.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &action, 0);
  printf("fork %d %s\\n", (int)fork(), strerror(errno));
  printf("execl %d %s\\n", execl("/bin/sh", "sh", (char *)0), strerror(errno));
  printf("waitpid %d %s\\n", (int)waitpid(-1, 0, WNOHANG), strerror(errno));
  printf("kill self %d\\n", kill(getpid(), SIGUSR1));
  printf("kill other %d %s\\n", kill(getpid() + 1, SIGTERM), strerror(errno));
  const int copy = dup(1);
  printf("dup %s, close %d\\n", copy > 2 ? "a new fd" : strerror(errno), close(copy));
  printf("dup2 same %d\\n", dup2(1, 1));
  printf("uid %u gid %u ppid %d setuid(0) %d %s\\n", (unsigned)getuid(), (unsigned)getgid(), (int)getppid(), setuid(0), strerror(errno));
  char pattern[] = "/tmp/xXXXXXX";
  printf("mkstemp %d %s\\n", mkstemp(pattern), strerror(errno));
  return 0;
}
`;

test('without -lsockbridge-stubs, naming fork, waitpid, kill or getuid fails to link and the message offers the library', () => {
  const result = compile(namesProcesses);
  assert.equal(result.code, 1);
  for (const symbol of ['fork', 'execl', 'waitpid', 'kill', 'getuid', 'mkstemp']) {
    assert.match(result.stderr, new RegExp(`undefined symbol: ${symbol}\\b`));
    assert.match(result.stderr, new RegExp(`sockbridge-cc: ${symbol}: .*; if the program only names it on paths a guest never takes, link -lsockbridge-stubs`));
  }
  assert.match(result.stderr, /sockbridge-cc: fork: .*its fork\(\) fails at run time with ENOSYS/);
});

test('with -lsockbridge-stubs the same program links and gets each POSIX errno at run time', async () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'sockbridge-stubs-'));
  try {
    const program = path.join(work, 'stubs.wasm');
    const built = compile(namesProcesses, ['-lsockbridge-stubs'], program);
    assert.equal(built.code, 0, built.stderr);
    const result = await run([], program);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      [
        'fork -1 Function not implemented',
        'execl -1 Function not implemented',
        'waitpid -1 No child process',
        'SIGUSR1 1 from pid self code 0 uid 65534',
        'kill self 0',
        'kill other -1 No such process',
        'dup a new fd, close 0',
        'dup2 same 1',
        'uid 65534 gid 65534 ppid 1 setuid(0) -1 Operation not permitted',
        'mkstemp -1 Read-only file system',
        '',
      ].join('\n'),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test("the build machine's headers never leak into a guest build", () => {
  // glibc has <pwd.h>; a guest build must say it is missing, not half-compile glibc's.
  const result = compile('#include <pwd.h>\nint main(void) { return 0; }\n');
  assert.equal(result.code, 1);
  assert.match(result.stderr, /'pwd\.h' file not found/);
  assert.doesNotMatch(result.stderr, /\/usr\/include\/(pwd|features|sys)/);
});

test('the names porters need work as POSIX says: AF_UNIX, SOL_IP, POLLPRI, syslog, gethostname, FIONREAD', async () => {
  const server = net.createServer((socket) => socket.write('0123456789'));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  try {
    const port = /** @type {net.AddressInfo} */ (server.address()).port;
    const result = await run([String(port)], `${siteDir}/guests/sdk_names.wasm`);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      [
        'socket(AF_UNIX): -1 Address family not supported by protocol',
        'gethostname: 0 sockbridge',
        'if_nametoindex: 0 No such device or address',
        'setsockopt(SOL_IP, IP_TOS): -1 Protocol not available',
        'poll: 1 in=1 pri=0',
        'FIONREAD: 10',
        'recv: 10',
        '',
      ].join('\n'),
    );
    assert.match(result.stderr, /^sdk_names\[\d+\]: logged 42$/m);
    assert.doesNotMatch(result.stderr, /masked out/);
  } finally {
    server.close();
  }
});
