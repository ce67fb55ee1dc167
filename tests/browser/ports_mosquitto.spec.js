// Debian's mosquitto clients (libmosquitto), built unmodified by the guest SDK
// (guest/ports/mosquitto) and published in the site by the ports.build
// fixture, running in the page through run() against Debian's real mosquitto
// broker on 127.0.0.1: the same binaries the Node CLI runs in
// tests/ports/mosquitto.test.js.
import { nativePublish, nativeSubscribe, startBroker } from '../ports/mqtt.js';
import { expect, runGuest, test } from './fixtures.js';

test('mosquitto_sub in the page gets a retained and a live QoS 1 message from the broker', async ({ page, relay, blocking }) => {
  const broker = await startBroker();
  try {
    const at = ['-h', '127.0.0.1', '-p', String(broker.port)];
    await nativePublish([...at, '-t', 'page/status', '-m', 'retained before the page', '-r', '-q', '1']);
    await page.goto(`${relay.url}/healthz`);
    const subscribed = runGuest(page, {
      guest: 'mosquitto_sub', args: [...at, '-i', 'page-sub', '-t', 'page/#', '-q', '1', '-v', '-C', '2'],
      relay: `ws://127.0.0.1:${relay.port}/wisp/`, blocking,
    });
    await broker.waitForLog(/Sending PUBLISH to page-sub \(d0, q1, r1/);
    await nativePublish([...at, '-t', 'page/live', '-m', `live to ${blocking}`, '-q', '1']);
    const result = await subscribed;
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`page/status retained before the page\npage/live live to ${blocking}\n`);
  } finally {
    broker.stop();
  }
});

test('mosquitto_pub in the page publishes QoS 1 to a native subscriber; mosquitto_sub -W 1 times out', async ({ page, relay, blocking }) => {
  const broker = await startBroker();
  try {
    const at = ['-h', '127.0.0.1', '-p', String(broker.port)];
    const relayUrl = `ws://127.0.0.1:${relay.port}/wisp/`;
    const native = nativeSubscribe([...at, '-i', 'native-sub', '-t', 'from/page', '-q', '1', '-C', '1']);
    await broker.waitForLog(/Received SUBSCRIBE from native-sub/);
    await page.goto(`${relay.url}/healthz`);
    const published = await runGuest(page, {
      guest: 'mosquitto_pub', args: [...at, '-t', 'from/page', '-m', `hello from ${blocking}`, '-q', '1'], relay: relayUrl, blocking,
    });
    expect(published.code).toBe(0);
    expect((await native.exited).stdout).toBe(`hello from ${blocking}\n`);
    const waited = await runGuest(page, {
      guest: 'mosquitto_sub', args: [...at, '-t', 'nobody/publishes', '-W', '1'], relay: relayUrl, blocking,
    });
    expect(waited.code).toBe(27);
    expect(waited.stderr).toContain('Timed out');
  } finally {
    broker.stop();
  }
});
