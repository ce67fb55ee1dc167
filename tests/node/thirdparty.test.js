// Real third-party socket programs, taken unmodified from Debian source
// packages and built with the guest SDK (thirdparty_build.js; ctest builds them
// first, in the node.thirdparty_build fixture), run by the Node
// CLI through the real relay against real TCP peers on 127.0.0.1:
//   tcputils  tcpconnect / tcplisten  plain Makefile with CC=/AR=/RANLIB=
//   sic       IRC client              Makefile + config.mk
//   netrw     netread / netwrite      autoconf, ./configure --host=wasm32-unknown-wasi
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { closedPort, startRelay } from '../browser/fixtures.js';
import { buildThirdParty } from './thirdparty_build.js';

const cli = new URL('../../shim-js/cli.js', import.meta.url).pathname;

/** @type {Record<string, string>} build directory of each package */
const built = {};
let relay;

before(async () => {
  const names = ['tcputils', 'sic', 'netrw'];
  const dirs = await Promise.all(names.map((name) => buildThirdParty(name)));
  names.forEach((name, i) => (built[name] = dirs[i]));
  relay = await startRelay(['--dev']);
});
after(() => relay?.process.kill('SIGTERM'));

/**
 * One run of a guest through the CLI. stdin is fixed bytes, or left open for
 * the test to write to (child.stdin).
 * @param {string} program  path of the program (its .asyncify.wasm is beside it)
 * @param {string[]} args
 * @param {{ stdin?: string | Buffer }} [options]
 */
function startGuest(program, args, options = {}) {
  const child = spawn(process.execPath, [cli, program, '--relay', `ws://127.0.0.1:${relay.port}/wisp/`, '--', ...args]);
  const output = { stdout: Buffer.alloc(0), stderr: '' };
  child.stdout.on('data', (chunk) => (output.stdout = Buffer.concat([output.stdout, chunk])));
  child.stderr.on('data', (chunk) => (output.stderr += chunk));
  if (options.stdin !== undefined) child.stdin.end(options.stdin);
  /** @type {Promise<{ code: number | null, stdout: Buffer, stderr: string }>} */
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve({ code, ...output })));
  return { child, output, exited };
}

/**
 * Resolves once check() holds, re-checking whenever the guest prints something.
 * @param {ReturnType<typeof startGuest>} guest @param {() => boolean} check @param {string} what
 */
function until(guest, check, what) {
  return new Promise((resolve, reject) => {
    const test = () => {
      if (!check()) return;
      guest.child.stdout.off('data', test);
      guest.child.stderr.off('data', test);
      resolve(undefined);
    };
    guest.child.stdout.on('data', test);
    guest.child.stderr.on('data', test);
    guest.exited.then(() => !check() && reject(new Error(`guest exited before ${what}:\n${guest.output.stderr}`)));
    test();
  });
}

/** Connects to 127.0.0.1:port, retrying (bounded) while the guest's listener is not up yet. @param {number} port */
async function connectWhenListening(port) {
  for (let attempt = 0; attempt < 200; ++attempt) {
    const socket = await new Promise((resolve) => {
      const s = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
      s.once('connect', () => resolve(s));
      s.once('error', () => resolve(null));
    });
    if (socket) return /** @type {net.Socket} */ (socket);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}

/** A TCP server that greets, then answers everything the client sent once it half-closes. */
async function startAnsweringServer() {
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    socket.write('hello from a native server\n');
    let request = '';
    socket.on('data', (chunk) => (request += chunk));
    socket.on('end', () => socket.end(`you said: ${request}`));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  return { server, port: /** @type {net.AddressInfo} */ (server.address()).port };
}

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
  const client = await connectWhenListening(port);
  let received = '';
  client.on('data', (chunk) => (received += chunk));
  const clientDone = new Promise((resolve) => client.on('end', resolve));
  client.end('hi from a native client\n');
  await clientDone;
  client.destroy();
  const result = await guest.exited;
  assert.equal(result.code, 0, result.stderr);
  assert.equal(received, 'greetings from the wasm side\n');
  assert.equal(result.stdout.toString(), 'hi from a native client\n');
  assert.match(result.stderr, /\[Connection from 127\.0\.0\.1 port \d+\]/);
});

test('sic chats on an IRC server: registers, joins, reads and sends channel messages, answers PING', async () => {
  /** @type {string[]} */
  const heard = [];
  /** @type {(line: string) => void} */
  let onLine = () => {};
  const server = net.createServer((socket) => {
    let pending = '';
    socket.on('data', (chunk) => {
      pending += chunk;
      for (let end; (end = pending.indexOf('\r\n')) >= 0; pending = pending.slice(end + 2)) {
        const line = pending.slice(0, end);
        heard.push(line);
        onLine(line);
        if (line.startsWith('USER ')) socket.write(':irc.test 001 wasm :Welcome to the test network\r\n');
        if (line === 'JOIN #sockbridge') {
          socket.write(':wasm!w@wasm JOIN #sockbridge\r\n');
          socket.write(':alice!a@home PRIVMSG #sockbridge :hello wasm\r\n');
        }
        if (line.startsWith('PRIVMSG ')) socket.write('PING :token-42\r\n');
        if (line.startsWith('PONG ')) socket.end();
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const port = /** @type {net.AddressInfo} */ (server.address()).port;
  try {
    const guest = startGuest(path.join(built.sic, 'sic'), ['-h', '127.0.0.1', '-p', String(port), '-n', 'wasm']);
    onLine = (line) => line.startsWith('USER ') && guest.child.stdin.write(':j #sockbridge\n');
    await until(guest, () => guest.output.stdout.includes('<alice> hello wasm'), "alice's message was shown");
    guest.child.stdin.write('hello alice\n');
    const result = await guest.exited;
    assert.deepEqual(heard, [
      'NICK wasm',
      'USER wasm localhost 127.0.0.1 :wasm',
      'JOIN #sockbridge',
      'PRIVMSG #sockbridge :hello alice',
      'PONG token-42',
    ]);
    const shown = result.stdout.toString();
    assert.match(shown, /^irc\.test\s+: \S+ \S+ >< 001 \(wasm\): Welcome to the test network$/m);
    assert.match(shown, /^#sockbridge\s+: \S+ \S+ <alice> hello wasm$/m);
    assert.match(shown, /^#sockbridge\s+: \S+ \S+ <wasm> hello alice$/m);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /sic: remote host closed connection/);
  } finally {
    server.close();
  }
});

test('netwrite sends 1 MiB to netread (netrw), both through the relay, and both verify the MD5', async () => {
  const payload = randomBytes(1 << 20);
  const md5 = createHash('md5').update(payload).digest('hex');
  const port = await closedPort();
  const reader = startGuest(path.join(built.netrw, 'src', 'netread'), ['-v', String(port)]);
  await until(reader, () => reader.output.stderr.includes(`listening on ${port}`), 'netread listened');
  const writer = await startGuest(path.join(built.netrw, 'src', 'netwrite'), ['-v', '127.0.0.1', String(port)], {
    stdin: payload,
  }).exited;
  reader.child.stdin.end();
  const read = await reader.exited;
  assert.equal(writer.code, 0, writer.stderr);
  assert.equal(read.code, 0, read.stderr);
  assert.equal(createHash('md5').update(read.stdout).digest('hex'), md5);
  for (const side of [writer.stderr, read.stderr]) {
    assert.match(side, new RegExp(`transmission checksum: ${md5}`));
    assert.match(side, /md5 checksum validation successful/);
  }
  assert.match(read.stderr, /accepted data connection from 127\.0\.0\.1:\d+/);
});
