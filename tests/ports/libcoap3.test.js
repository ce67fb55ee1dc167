// libcoap 4.3.1 from Debian, built unmodified with its CMake build and the
// SDK's toolchain file (guest/ports/libcoap3): its coap-client example talks
// CoAP over UDP to Debian's own coap-server (libcoap3-bin) on 127.0.0.1, and
// its coap-server example, listening through the relay, answers Debian's
// coap-client.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { coapPing, nativeCoapClient, startCoapServer } from './coap.js';
import { startGuest, until, usePorts } from './guest_run.js';
import { freeUdpPort } from './udp_port.js';

const built = usePorts(['libcoap3']);
/** @type {Awaited<ReturnType<typeof startCoapServer>>} */
let server;

/** Runs the guest coap-client against the native server. @param {string[]} args */
async function guestCoap(args) {
  const result = await startGuest(path.join(built.libcoap3, 'build-wasm/coap-client.wasm'), args, { stdin: '' }).exited;
  assert.equal(result.code, 0, result.stderr);
  return { stdout: result.stdout.toString(), stderr: result.stderr };
}

before(async () => (server = await startCoapServer()));
after(() => server?.stop());

const uri = (/** @type {string} */ resource) => `coap://127.0.0.1:${server.port}/${resource}`;

test('coap-client (libcoap) GETs resources and the resource directory from a native coap-server', async () => {
  const index = await guestCoap(['-m', 'get', uri('')]);
  assert.match(index.stdout, /^This is a test server made with libcoap/);
  const core = await guestCoap(['-m', 'get', uri('.well-known/core')]);
  assert.match(core.stdout, /<\/time>;if="clock";rt="ticks";title="Internal Clock";ct=0;obs/);
  assert.match(core.stdout, /<\/example_data>;title="Example Data"/);
});

test('coap-client (libcoap) PUTs a value the native server then serves to a native client', async () => {
  await guestCoap(['-m', 'put', '-e', 'written by a wasm guest', uri('example_data')]);
  assert.equal(await nativeCoapClient(['-m', 'get', uri('example_data')]), 'written by a wasm guest\n');
  assert.equal((await guestCoap(['-m', 'get', uri('example_data')])).stdout, 'written by a wasm guest\n');
});

test('coap-client (libcoap) sends a 1000-byte PUT block-wise in 64-byte blocks', async () => {
  const payload = 'block-wise '.repeat(91).slice(0, 1000);
  await guestCoap(['-b', '64', '-m', 'put', '-e', payload, uri('example_data')]);
  const blocks = [...server.log().matchAll(/t:CON c:PUT .*Block1:(\d+)\/[M_]\/64, Size1:1000/g)].map((match) => Number(match[1]));
  assert.deepEqual(blocks, Array.from({ length: 16 }, (_, i) => i), 'the server received blocks 0..15');
  assert.equal(await nativeCoapClient(['-m', 'get', uri('example_data')]), `${payload}\n`);
});

test('coap-client (libcoap) observes /time and prints each notification', async () => {
  const { stdout } = await guestCoap(['-s', '3', uri('time')]);
  const ticks = stdout.match(/[A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d/g) ?? [];
  assert.ok(ticks.length >= 3, `expected the first answer and at least two notifications, got ${JSON.stringify(stdout)}`);
  assert.deepEqual([...ticks].sort(), ticks, 'notifications arrive in time order');
});

test('coap-client (libcoap) shows 4.04 Not Found for an unknown resource', async () => {
  const { stdout, stderr } = await guestCoap(['-m', 'get', uri('no-such-resource')]);
  assert.equal(stdout, '');
  assert.match(stderr, /^4\.04 Not Found$/m);
});

test('coap-server (libcoap) in the guest answers a native coap-client through the relay', async () => {
  const port = await freeUdpPort();
  const guest = startGuest(path.join(built.libcoap3, 'build-wasm/coap-server.wasm'), ['-A', '127.0.0.1', '-p', String(port)]);
  try {
    await Promise.race([coapPing(port), until(guest, () => false, 'the server answered a ping')]);
    const local = `coap://127.0.0.1:${port}/`;
    assert.match(await nativeCoapClient(['-m', 'get', local]), /^This is a test server made with libcoap/);
    await nativeCoapClient(['-m', 'put', '-e', 'sent by a native client', `${local}example_data`]);
    assert.equal(await nativeCoapClient(['-m', 'get', `${local}example_data`]), 'sent by a native client\n');
  } finally {
    guest.child.kill('SIGTERM');
  }
});
