// Debian's c-ares (adig) and libcoap (coap-client), built unmodified by the
// guest SDK (guest/ports/c-ares, guest/ports/libcoap3) and published in the
// site by the ports.build fixture, running in the page through run() against
// real servers on 127.0.0.1: the same binaries the Node CLI runs in
// tests/ports/c-ares.test.js and tests/ports/libcoap3.test.js.
import { nativeCoapClient, startCoapServer } from '../ports/coap.js';
import { startDnsmasq, zone } from '../ports/dnsmasq.js';
import { expect, runGuest, test } from './fixtures.js';

test('adig in the page gets an A record from dnsmasq over UDP and a TXT record over TCP', async ({ page, relay, blocking }) => {
  const dns = await startDnsmasq();
  try {
    await page.goto(`${relay.url}/healthz`);
    const relayUrl = `ws://127.0.0.1:${relay.port}/wisp/`;
    const udp = await runGuest(page, {
      guest: 'adig', args: ['-s', '127.0.0.1', '-U', String(dns.port), zone.host], relay: relayUrl, blocking,
    });
    expect(udp.code).toBe(0);
    expect(udp.stdout).toMatch(/^rcode: NOERROR$/m);
    expect(udp.stdout).toContain(`\t${zone.host}.\t0\tA\t${zone.ipv4}\n`);
    const tcp = await runGuest(page, {
      guest: 'adig', args: ['-s', '127.0.0.1', '-f', 'usevc', '-T', String(dns.port), '-t', 'TXT', zone.txt.name],
      relay: relayUrl, blocking,
    });
    expect(tcp.code).toBe(0);
    expect(tcp.stdout).toMatch(new RegExp(`\\tTXT\\t${zone.txt.text}\\n`));
    expect(dns.log.filter((line) => / query\[(A|TXT)\] /.test(line))).toHaveLength(2);
  } finally {
    dns.stop();
  }
});

test('coap-client in the page PUTs and GETs a resource of a native coap-server over UDP', async ({ page, relay, blocking }) => {
  const server = await startCoapServer();
  try {
    await page.goto(`${relay.url}/healthz`);
    const resource = `coap://127.0.0.1:${server.port}/example_data`;
    const value = `from the page (${blocking})`;
    const put = await runGuest(page, {
      guest: 'coap-client', args: ['-m', 'put', '-e', value, resource], relay: `ws://127.0.0.1:${relay.port}/wisp/`, blocking,
    });
    expect(put.code).toBe(0);
    expect(await nativeCoapClient(['-m', 'get', resource])).toBe(`${value}\n`);
    const get = await runGuest(page, {
      guest: 'coap-client', args: ['-m', 'get', resource], relay: `ws://127.0.0.1:${relay.port}/wisp/`, blocking,
    });
    expect(get.code).toBe(0);
    expect(get.stdout).toBe(`${value}\n`);
  } finally {
    server.stop();
  }
});
