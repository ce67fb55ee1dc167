// Shared by the ports' tests (tests/ports/NAME.test.js): the real relay
// binary, the ports built with the guest SDK (guest/ports/build.mjs; ctest
// builds them first in the ports.build fixture), and guests run by the Node
// CLI through the relay against real peers on 127.0.0.1.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { after, before } from 'node:test';

import { startRelay } from '../browser/fixtures.js';
import { buildPort } from '../../guest/ports/build.mjs';

const cli = new URL('../../shim-js/cli.js', import.meta.url).pathname;
/** @type {Awaited<ReturnType<typeof startRelay>>} */
let relay;

/**
 * Registers before/after hooks that build the named ports (a no-op when the
 * fixture already did) and start one relay for the test file.
 * @param {string[]} names  ports the file runs
 * @param {string[]} [relayArgs]
 * @returns {Record<string, string>} each port's build directory, filled in before the tests run
 */
export function usePorts(names, relayArgs = ['--dev']) {
  /** @type {Record<string, string>} */
  const built = {};
  before(async () => {
    const dirs = await Promise.all(names.map((name) => buildPort(name)));
    names.forEach((name, i) => (built[name] = dirs[i]));
    relay = await startRelay(relayArgs);
  });
  after(() => {
    // A test that failed before its guest ended must not leave it running.
    for (const child of running) child.kill('SIGKILL');
    relay?.process.kill('SIGTERM');
  });
  return built;
}

/** Guests started by startGuest that have not exited yet. @type {Set<import('node:child_process').ChildProcess>} */
const running = new Set();

/** The relay's WebSocket URL (once usePorts' hook has run). */
export const relayUrl = () => `ws://127.0.0.1:${relay.port}/wisp/`;

/**
 * One run of a guest through the CLI. stdin is fixed bytes, or left open for
 * the test to write to (child.stdin).
 * @param {string} program  path of the program (its .asyncify.wasm is beside it)
 * @param {string[]} args
 * @param {{ stdin?: string | Buffer, files?: Record<string, string>, dirs?: Record<string, string> }} [options]
 *   files: host files the guest reads, by guest path (the CLI's --file GUEST=HOST);
 *   dirs: host directories, every file under each (the CLI's --dir GUEST_DIR=HOST_DIR)
 */
export function startGuest(program, args, options = {}) {
  const files = [
    ...Object.entries(options.files ?? {}).flatMap(([guest, host]) => ['--file', `${guest}=${host}`]),
    ...Object.entries(options.dirs ?? {}).flatMap(([guest, host]) => ['--dir', `${guest}=${host}`]),
  ];
  const child = spawn(process.execPath, [cli, program, '--relay', relayUrl(), ...files, '--', ...args]);
  running.add(child);
  child.on('exit', () => running.delete(child));
  const output = { stdout: Buffer.alloc(0), stderr: '' };
  child.stdout.on('data', (chunk) => (output.stdout = Buffer.concat([output.stdout, chunk])));
  child.stderr.on('data', (chunk) => (output.stderr += chunk));
  if (options.stdin !== undefined) child.stdin.end(options.stdin);
  // 'close', not 'exit': output still in the pipes when the process exits arrives after 'exit'.
  /** @type {Promise<{ code: number | null, stdout: Buffer, stderr: string }>} */
  const exited = new Promise((resolve) => child.on('close', (code) => resolve({ code, ...output })));
  return { child, output, exited };
}

/**
 * Resolves once check() holds, re-checking whenever the guest prints something.
 * @param {ReturnType<typeof startGuest>} guest @param {() => boolean} check @param {string} what
 */
export function until(guest, check, what) {
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
export async function connectWhenListening(port) {
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

/**
 * Connects to a guest's listening socket once it is up, sends text, half-closes,
 * and resolves to everything the guest sent before it closed its side.
 * @param {number} port @param {string} text
 */
export async function talkToListener(port, text) {
  const client = await connectWhenListening(port);
  let received = '';
  client.on('data', (chunk) => (received += chunk));
  const ended = new Promise((resolve) => client.on('end', resolve));
  client.end(text);
  await ended;
  client.destroy();
  return received;
}

/** A TCP server that greets, then answers everything the client sent once it half-closes. */
export async function startAnsweringServer() {
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    socket.write('hello from a native server\n');
    let request = '';
    socket.on('data', (chunk) => (request += chunk));
    socket.on('end', () => socket.end(`you said: ${request}`));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  return { server, port: /** @type {net.AddressInfo} */ (server.address()).port };
}
