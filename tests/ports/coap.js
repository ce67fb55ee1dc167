// Real CoAP peers for the libcoap port's tests: Debian's coap-server and
// coap-client (libcoap3-bin, built without TLS) on 127.0.0.1. Used by
// tests/ports/libcoap3.test.js and tests/browser/ports_dns_coap.spec.js.
import { execFile, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { promisify } from 'node:util';

import { freeUdpPort } from './udp_port.js';

const serverBinary = '/usr/bin/coap-server-notls';
const clientBinary = '/usr/bin/coap-client-notls';

/**
 * Resolves once a CoAP endpoint answers a CoAP ping (an empty confirmable
 * message, answered with a reset) on 127.0.0.1:port, retrying (bounded).
 * @param {number} port
 */
export async function coapPing(port) {
  const socket = dgram.createSocket('udp4');
  try {
    for (let attempt = 0; attempt < 100; ++attempt) {
      const answered = new Promise((resolve) => {
        socket.once('message', (reply) => resolve(reply[0] >> 4 === 0x7)); // version 1, type RST
        setTimeout(() => resolve(false), 100);
      });
      socket.send(Buffer.from([0x40, 0x00, attempt >> 8, attempt & 0xff]), port, '127.0.0.1');
      if (await answered) return;
    }
    throw new Error(`no CoAP endpoint answers on 127.0.0.1:${port}`);
  } finally {
    socket.close();
  }
}

/**
 * Debian's coap-server on a free port of 127.0.0.1 with its default resources
 * (/, /time, /async, /example_data); log() is what it printed so far (-v 7:
 * every message). stop() ends it by its PID.
 */
export async function startCoapServer() {
  const port = await freeUdpPort();
  const child = spawn(serverBinary, ['-A', '127.0.0.1', '-p', String(port), '-v', '7'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (chunk) => (log += chunk));
  child.stderr.on('data', (chunk) => (log += chunk));
  try {
    await coapPing(port);
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  }
  // It must not keep the test process alive, nor outlive it.
  child.unref();
  child.stdout.unref();
  child.stderr.unref();
  process.once('exit', () => child.kill('SIGTERM'));
  return { port, log: () => log, stop: () => child.kill('SIGTERM') };
}

/** Runs Debian's coap-client (5 s at most); resolves to what it printed. @param {string[]} args */
export async function nativeCoapClient(args) {
  const { stdout } = await promisify(execFile)(clientBinary, ['-B', '5', ...args]);
  return stdout;
}
