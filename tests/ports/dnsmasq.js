// A real DNS server for the DNS ports' tests: Debian's dnsmasq on 127.0.0.1,
// answering only from its command line (no upstream servers, no /etc/hosts),
// over UDP and TCP on one free port. Used by tests/ports/c-ares.test.js and
// the browser spec tests/browser/ports_dns_coap.spec.js.
import { spawn } from 'node:child_process';

import { freeUdpPort } from './udp_port.js';

const dnsmasqBinary = '/usr/sbin/dnsmasq';

/** The zone every DNS test asks about. */
export const zone = {
  host: 'www.test.example',
  ipv4: '192.0.2.8',
  ipv6: '2001:db8::8',
  /** Any other name under test.example answers this (dnsmasq's --address). */
  wildcardIpv4: '192.0.2.7',
  mx: { name: 'test.example', exchange: 'mail.test.example', preference: 10 },
  txt: { name: 'test.example', text: 'hello from dnsmasq' },
  /** A domain dnsmasq answers alone (--local): unknown names in it are NXDOMAIN. */
  localDomain: 'lan.example',
};

/** @param {number} port */
function launch(port) {
  const child = spawn(
    dnsmasqBinary,
    [
      '--keep-in-foreground',
      '--conf-file=/dev/null',
      '--no-resolv',
      '--no-hosts',
      '--pid-file=',
      '--log-facility=-',
      '--log-queries',
      '--bind-interfaces',
      '--listen-address=127.0.0.1',
      `--port=${port}`,
      `--local=/${zone.localDomain}/`,
      `--address=/test.example/${zone.wildcardIpv4}`,
      `--host-record=${zone.host},${zone.ipv4},${zone.ipv6}`,
      `--mx-host=${zone.mx.name},${zone.mx.exchange},${zone.mx.preference}`,
      `--txt-record=${zone.txt.name},${zone.txt.text}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  /** @type {string[]} */
  const log = [];
  /** @type {Promise<boolean>} true once it serves, false if it exited first (the port was taken) */
  const started = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', () => resolve(false));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      log.push(...chunk.split('\n').filter(Boolean));
      if (log.some((line) => / started, version /.test(line))) resolve(true);
    });
  });
  return { child, log, started };
}

/**
 * Starts dnsmasq on a free port of 127.0.0.1 (retrying, bounded, when another
 * process takes the port first). stop() ends it by its PID.
 */
export async function startDnsmasq() {
  /** @type {string[]} */
  let lastLog = [];
  for (let attempt = 0; attempt < 10; ++attempt) {
    const port = await freeUdpPort();
    const server = launch(port);
    lastLog = server.log;
    if (!(await server.started)) continue;
    // It must not keep the test process alive, nor outlive it.
    server.child.unref();
    server.child.stderr.unref();
    process.once('exit', () => server.child.kill('SIGTERM'));
    return {
      port,
      /** Lines dnsmasq logged (each query with --log-queries). */
      log: server.log,
      stop: () => server.child.kill('SIGTERM'),
    };
  }
  throw new Error(`dnsmasq did not start on 127.0.0.1:\n${lastLog.join('\n')}`);
}
