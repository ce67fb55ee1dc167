// mosquitto 2.0.11 from Debian (the MQTT clients over libmosquitto), built
// unmodified with CMake and the SDK's toolchain file (guest/ports/mosquitto),
// against Debian's real mosquitto broker on 127.0.0.1 and its native clients.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { freeTcpPort, nativePublish, nativeSubscribe, startBroker } from './mqtt.js';
import { startGuest, until, usePorts } from './guest_run.js';

const built = usePorts(['mosquitto']);
const client = (name) => path.join(built.mosquitto, 'build/client', `${name}.wasm`);
/** @type {Awaited<ReturnType<typeof startBroker>>} */
let broker;
before(async () => (broker = await startBroker()));
after(() => broker?.stop());
const at = () => ['-h', '127.0.0.1', '-p', String(broker.port)];

test('mosquitto_sub in the guest gets the retained message, then a QoS 1 message Debian mosquitto_pub sends', async () => {
  await nativePublish([...at(), '-t', 'sensors/door', '-m', 'closed', '-r', '-q', '1']);
  const guest = startGuest(client('mosquitto_sub'), [...at(), '-i', 'guest-sub', '-t', 'sensors/#', '-q', '1', '-v', '-C', '2']);
  await broker.waitForLog(/Sending PUBLISH to guest-sub \(d0, q1, r1, m1, 'sensors\/door'/);
  await nativePublish([...at(), '-t', 'sensors/temperature', '-m', '21.5 C', '-q', '1']);
  const result = await guest.exited;
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout.toString(), 'sensors/door closed\nsensors/temperature 21.5 C\n');
  assert.match(broker.log(), /Received PUBACK from guest-sub \(Mid: 1/, 'the guest acknowledged the QoS 1 delivery');
});

test('mosquitto_pub in the guest publishes with QoS 1: a Debian mosquitto_sub receives it, and later ones get it retained', async () => {
  const live = nativeSubscribe([...at(), '-i', 'native-sub', '-t', 'lights/#', '-q', '1', '-v', '-C', '1']);
  await broker.waitForLog(/Received SUBSCRIBE from native-sub/);
  const guest = startGuest(client('mosquitto_pub'), [...at(), '-i', 'guest-pub', '-t', 'lights/kitchen', '-m', 'on from wasm', '-q', '1', '-r', '-d']);
  const published = await guest.exited;
  assert.equal(published.code, 0, published.stderr);
  assert.match(published.stdout.toString(), /sending PUBLISH \(d0, q1, r1, m1, 'lights\/kitchen', \.\.\. \(12 bytes\)\)/);
  assert.match(published.stdout.toString(), /received PUBACK \(Mid: 1, RC:0\)/);
  assert.deepEqual(await live.exited, { code: 0, stdout: 'lights/kitchen on from wasm\n', stderr: '' });
  const later = nativeSubscribe([...at(), '-t', 'lights/kitchen', '-C', '1', '-F', '%t %p retained=%r']);
  assert.equal((await later.exited).stdout, 'lights/kitchen on from wasm retained=1\n');
});

test('mosquitto_sub -W 1 gives up after one second: alarm() raises SIGALRM through sigaction() in its pselect loop', async () => {
  const started = Date.now();
  const guest = startGuest(client('mosquitto_sub'), [...at(), '-i', 'guest-waiter', '-t', 'nobody/publishes', '-W', '1']);
  await until(guest, () => /Received SUBSCRIBE from guest-waiter/.test(broker.log()) || guest.output.stderr !== '', 'it subscribed');
  const result = await guest.exited;
  assert.equal(result.code, 27, result.stderr); // MOSQ_ERR_TIMEOUT
  assert.match(result.stderr, /Timed out/);
  assert.equal(result.stdout.length, 0);
  assert.ok(Date.now() - started >= 1000, 'not before the alarm was due');
  await broker.waitForLog(/Received DISCONNECT from guest-waiter/);
});

test('mosquitto_pub in the guest reports a refused connection', async () => {
  const closed = await freeTcpPort();
  const guest = startGuest(client('mosquitto_pub'), ['-h', '127.0.0.1', '-p', String(closed), '-t', 'x', '-m', 'y']);
  const result = await guest.exited;
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /Error: Connection refused/);
});
