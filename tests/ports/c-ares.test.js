// c-ares 1.18.1 from Debian, built unmodified with its CMake build and the
// SDK's toolchain file (guest/ports/c-ares): its adig tool asks Debian's
// dnsmasq on 127.0.0.1 over UDP and over TCP, through the relay.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { startDnsmasq, zone } from './dnsmasq.js';
import { startGuest, usePorts } from './guest_run.js';
import { freeUdpPort } from './udp_port.js';

const built = usePorts(['c-ares']);
/** @type {Awaited<ReturnType<typeof startDnsmasq>>} */
let dns;
before(async () => (dns = await startDnsmasq()));
after(() => dns?.stop());

/** Runs adig against dnsmasq; resolves to what it printed. @param {string[]} args */
async function adig(args) {
  const result = await startGuest(path.join(built['c-ares'], 'build-wasm/bin/adig.wasm'), ['-s', '127.0.0.1', ...args], {
    stdin: '',
  }).exited;
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.toString();
}

/** The answer lines adig printed, as [name, type, data] (its columns are tab-separated). @param {string} shown */
function answers(shown) {
  const section = shown.split('Answers:\n')[1]?.split('NS records:')[0] ?? '';
  return section
    .split('\n')
    .filter(Boolean)
    .map((line) => line.trim().split('\t'))
    .map(([name, , type, ...data]) => [name.replace(/\s+\.$/, '.'), type, data.join(' ')]);
}

test('adig (c-ares) gets A, AAAA, MX and TXT records from dnsmasq over UDP', async () => {
  const port = String(dns.port);
  const [a, aaaa, mx, txt] = await Promise.all([
    adig(['-U', port, zone.host]),
    adig(['-U', port, '-t', 'AAAA', zone.host]),
    adig(['-U', port, '-t', 'MX', zone.mx.name]),
    adig(['-U', port, '-t', 'TXT', zone.txt.name]),
  ]);
  assert.match(a, /^rcode: NOERROR$/m);
  assert.deepEqual(answers(a), [[`${zone.host}.`, 'A', zone.ipv4]]);
  assert.deepEqual(answers(aaaa), [[`${zone.host}.`, 'AAAA', zone.ipv6]]);
  assert.deepEqual(answers(mx), [[`${zone.mx.name}.`, 'MX', `${zone.mx.preference} ${zone.mx.exchange}.`]]);
  assert.deepEqual(answers(txt), [[`${zone.txt.name}.`, 'TXT', zone.txt.text]]);
  for (const type of ['A', 'AAAA', 'MX', 'TXT'])
    assert.ok(dns.log.some((line) => line.includes(`query[${type}] `) && line.endsWith(' from 127.0.0.1')), type);
});

test('adig (c-ares) asks over TCP with -f usevc: answered although its UDP port is closed', async () => {
  const shown = await adig(['-f', 'usevc', '-U', String(await freeUdpPort()), '-T', String(dns.port), 'mail.test.example']);
  assert.match(shown, /^rcode: NOERROR$/m);
  assert.deepEqual(answers(shown), [['mail.test.example.', 'A', zone.wildcardIpv4]]);
});

test('adig (c-ares) reports an unknown name as NXDOMAIN', async () => {
  const shown = await adig(['-U', String(dns.port), `no-such-host.${zone.localDomain}`]);
  assert.match(shown, /^Domain name not found$/m);
  assert.match(shown, /^rcode: NXDOMAIN$/m);
  assert.deepEqual(answers(shown), []);
});

test('adig (c-ares) says it could not reach a DNS server on a closed port', async () => {
  const shown = await adig(['-U', String(await freeUdpPort()), zone.host]);
  assert.equal(shown, 'Could not contact DNS servers\n');
});

test('adig (c-ares) seeds its DNS query IDs from /dev/urandom: separate runs ask with different IDs', async () => {
  // adig prints the answer's ID, which dnsmasq copies from the query. The CLI gives every guest the
  // CA bundle, so each run has a file tree and with it /dev/urandom; three runs, so that two random
  // IDs alike by chance (1 in 65536) do not fail the test.
  const ids = await Promise.all(
    [1, 2, 3].map(async () => adig(['-U', String(dns.port), zone.host]).then((shown) => shown.match(/^id: (\d+)$/m)?.[1])),
  );
  assert.ok(ids.every(Boolean), `adig printed an id each time: ${ids}`);
  assert.ok(new Set(ids).size > 1, `the same query ID every run: ${ids}`);
});
