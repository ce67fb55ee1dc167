// Real TLS servers for the TLS ports' tests (tests/ports/curl.test.js,
// tests/ports/tls_client.test.js): a test CA and server certificates made with
// the openssl CLI at test time, served by Debian's nginx on 127.0.0.1, one
// port per kind of certificate, TLS 1.2 and 1.3, HTTP/1.1 keep-alive, gzip.
// No node:test here: browser specs (tests/browser/ports_curl.spec.js) use it too.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { closedPort } from '../browser/fixtures.js';

const nginxBinary = '/usr/sbin/nginx';

/** The name every good certificate is for; guests reach it with curl's --resolve (or the CA file's hosts). */
export const serverName = 'tls.test';

/** @param {string[]} args @param {string} cwd */
const openssl = (args, cwd) => execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * The test CA (RSA) and its server certificates, each NAME.pem + NAME.key in dir:
 * rsa, ecdsa (P-256), expired (its validity ended a day before it began),
 * wrong-name (for other.test), unknown-ca (self-signed, for tls.test).
 * @param {string} dir
 */
function makeCertificates(dir) {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2',
    '-subj', '/CN=sockbridge test CA'], dir);
  /** @param {string} name @param {string} keyKind @param {string} dnsName @param {string} days */
  const leaf = (name, keyKind, dnsName, days) => {
    const key = keyKind === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'] : ['-newkey', 'rsa:2048'];
    openssl(['req', '-new', ...key, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${dnsName}`], dir);
    writeFileSync(path.join(dir, `${name}.ext`),
      `subjectAltName=DNS:${dnsName}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
      '-days', days, '-extfile', `${name}.ext`, '-out', `${name}.pem`], dir);
  };
  leaf('rsa', 'rsa', serverName, '2');
  leaf('ecdsa', 'ec', serverName, '2');
  leaf('expired', 'rsa', serverName, '-1');
  leaf('wrong-name', 'rsa', 'other.test', '2');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'unknown-ca.key', '-out', 'unknown-ca.pem',
    '-days', '2', '-subj', `/CN=${serverName}`, '-addext', `subjectAltName=DNS:${serverName}`], dir);
}

/** Resolves once something accepts on 127.0.0.1:port (bounded: 10 s). @param {number} port */
export async function untilListening(port) {
  for (let attempt = 0; attempt < 200; ++attempt) {
    const accepted = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (accepted) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}

/**
 * The kinds of server nginx runs by default, each on a port of its own.
 * @typedef {{ certificate: string, protocols: string }} TlsServer
 */
const defaultServers = /** @type {const} */ ({
  rsa: { certificate: 'rsa', protocols: 'TLSv1.2 TLSv1.3' },
  ecdsa: { certificate: 'ecdsa', protocols: 'TLSv1.2 TLSv1.3' },
  expired: { certificate: 'expired', protocols: 'TLSv1.2 TLSv1.3' },
  wrongName: { certificate: 'wrong-name', protocols: 'TLSv1.2 TLSv1.3' },
  unknownCa: { certificate: 'unknown-ca', protocols: 'TLSv1.2 TLSv1.3' },
  tls13Only: { certificate: 'rsa', protocols: 'TLSv1.3' },
});

/**
 * Starts nginx serving the files in www (name → contents) over TLS, one port
 * per entry of `servers` (by default every kind above), and over plain HTTP on
 * `ports.http` when `plainHttp` is set. Each access log line: port, TLS
 * protocol, cipher, connection serial, requests on that connection, request
 * line, status, body bytes sent.
 * @template {Record<string, TlsServer>} [Servers=typeof defaultServers]
 * @param {Record<string, string | Buffer>} www
 * @param {{ servers?: Servers, plainHttp?: boolean }} [options]
 */
export async function startTlsServers(www, { servers = /** @type {any} */ (defaultServers), plainHttp = false } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sockbridge-tls-'));
  makeCertificates(dir);
  mkdirSync(path.join(dir, 'www'));
  for (const [name, contents] of Object.entries(www)) writeFileSync(path.join(dir, 'www', name), contents);
  /** @type {Record<keyof Servers | 'http', number>} */
  const ports = /** @type {any} */ ({});
  for (const kind of Object.keys(servers)) ports[/** @type {keyof Servers} */ (kind)] = await closedPort();
  const serverBlocks = Object.entries(servers).map(([kind, { certificate, protocols }]) => `
    server {
      listen 127.0.0.1:${ports[/** @type {keyof Servers} */ (kind)]} ssl;
      ssl_certificate ${dir}/${certificate}.pem;
      ssl_certificate_key ${dir}/${certificate}.key;
      ssl_protocols ${protocols};
      root ${dir}/www;
    }`);
  if (plainHttp) {
    ports.http = await closedPort();
    serverBlocks.push(`
    server { listen 127.0.0.1:${ports.http}; root ${dir}/www; }`);
  }
  writeFileSync(path.join(dir, 'nginx.conf'), `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  log_format tls '$server_port $ssl_protocol $ssl_cipher $connection $connection_requests "$request" $status $body_bytes_sent';
  access_log ${dir}/access.log tls;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  types { text/plain txt; application/octet-stream bin; }
  sendfile on;
  keepalive_timeout 30s;
  gzip on; gzip_types text/plain; gzip_min_length 0;
  ${serverBlocks.join('\n')}
}
`);
  const child = spawn(nginxBinary, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')], {
    stdio: 'ignore',
  });
  for (const port of Object.values(ports)) await untilListening(port);
  return {
    dir,
    ports,
    caFile: path.join(dir, 'ca.pem'),
    /** The access log so far, one array of fields per request. */
    accessLog: () =>
      readFileSync(path.join(dir, 'access.log'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(' ')),
    stop() {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
