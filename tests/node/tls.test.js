// TLS on the relay's port: https:// for the site and its health check, wss://
// for Wisp, end to end with the Node CLI runner and a real HTTP server on
// 127.0.0.1; a certificate is made for the test with openssl.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { after, before, test } from 'node:test';

import { relayBinary, siteDir } from '../browser/fixtures.js';
import { relayAndHttpServer, runCli } from './run_cli.js';

const guest = `${siteDir}/guests/http_client.wasm`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'sockbridge-tls-'));
const cert = path.join(dir, 'cert.pem');
const key = path.join(dir, 'key.pem');
const otherKey = path.join(dir, 'other-key.pem');

/** A self-signed certificate for 127.0.0.1 and localhost. */
function makeCertificate() {
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' });
  execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-out', otherKey], { stdio: 'ignore' });
}

/** GET over https://, trusting only the test certificate. */
function httpsGet(port, target) {
  return new Promise((resolve, reject) => {
    const request = https.get({ host: '127.0.0.1', port, path: target, ca: readFileSync(cert) }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode, body }));
    });
    request.on('error', reject);
  });
}

/** Sends a plain HTTP request; resolves to whatever came back before the relay closed. */
function plainHttpReply(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'));
    let reply = '';
    socket.on('data', (chunk) => (reply += chunk.toString('latin1')));
    socket.on('close', () => resolve(reply));
    socket.on('error', () => {});
  });
}

before(makeCertificate);
after(() => rmSync(dir, { recursive: true, force: true }));
const servers = relayAndHttpServer(() => ['--dev', '--tls-cert', cert, '--tls-key', key]);

test('health check and site are served over https', async () => {
  assert.deepEqual(await httpsGet(servers.relay.port, '/healthz'), { status: 200, body: 'ok\n' });
  const page = await httpsGet(servers.relay.port, '/');
  assert.equal(page.status, 200);
  assert.match(page.body, /<title>/);
});

/**
 * GET /healthz over TLS 1.2 (whose alerts travel as records of their own type)
 * with Connection: close, through a TCP proxy that keeps the raw bytes from
 * the relay; resolves to the reply and the content types of those records.
 */
function tlsCloseRecords(port) {
  return new Promise((resolve, reject) => {
    const fromRelay = [];
    const proxy = net.createServer((inbound) => {
      const outbound = net.connect(port, '127.0.0.1');
      inbound.pipe(outbound);
      outbound.on('data', (chunk) => fromRelay.push(chunk));
      outbound.pipe(inbound);
      outbound.on('error', () => inbound.destroy());
      inbound.on('error', () => outbound.destroy());
    });
    proxy.listen(0, '127.0.0.1', () => {
      const socket = tls.connect({ host: '127.0.0.1', port: proxy.address().port, ca: readFileSync(cert), maxVersion: 'TLSv1.2' });
      let reply = '';
      let failure = null;
      socket.on('secureConnect', () => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      socket.on('data', (chunk) => (reply += chunk.toString('latin1')));
      socket.on('error', (error) => (failure = error));
      socket.on('close', () => {
        proxy.close();
        if (failure) return reject(failure);
        const raw = Buffer.concat(fromRelay);
        const types = [];
        for (let at = 0; at + 5 <= raw.length; at += 5 + raw.readUInt16BE(at + 3)) types.push(raw[at]);
        resolve({ reply, types });
      });
    });
  });
}

test('the relay ends an https connection with a TLS close_notify', async () => {
  const { reply, types } = await tlsCloseRecords(servers.relay.port);
  assert.match(reply, /^HTTP\/1\.1 200 OK\r\n/);
  const alert = 21;
  const applicationData = 23;
  assert.equal(types.at(-1), alert, `records from the relay: ${types.join(', ')}`);
  assert.equal(types.at(-2), applicationData, 'the alert comes after the response');
});

test('a plain-text client gets no HTTP answer from a TLS port', async () => {
  const reply = await plainHttpReply(servers.relay.port);
  assert.doesNotMatch(reply, /HTTP\/1\.1/);
});

test('a guest fetches a page through wss://', async () => {
  const result = await runCli([guest, '127.0.0.1', String(servers.http.port), '/hello', '--relay', `wss://127.0.0.1:${servers.relay.port}/wisp/`], {
    NODE_EXTRA_CA_CERTS: cert,
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(result.stdout, /hello from a real TCP server\n$/);
});

test('a client that does not trust the certificate is told why it could not connect', async () => {
  const result = await runCli([guest, '127.0.0.1', String(servers.http.port), '/hello', '--relay', `wss://127.0.0.1:${servers.relay.port}/wisp/`]);
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /could not connect to the relay at wss:\/\/127\.0\.0\.1:\d+\/wisp\/ \(self[- ]signed certificate\)/);
});

test('bad TLS settings stop the relay at start with a clear message', () => {
  const start = (args) => spawnSync(relayBinary, ['--listen', '127.0.0.1:0', ...args], { encoding: 'utf8', timeout: 10_000 });
  const halfSet = start(['--tls-cert', cert]);
  assert.equal(halfSet.status, 2);
  assert.match(halfSet.stderr, /tls: set both the certificate file and the private key file, or neither/);
  const wrongKey = start(['--tls-cert', cert, '--tls-key', otherKey]);
  assert.equal(wrongKey.status, 2);
  assert.match(wrongKey.stderr, /other-key\.pem: cannot use it as the PEM private key of .*cert\.pem \(key values mismatch\)/);
  const notACertificate = start(['--tls-cert', key, '--tls-key', key]);
  assert.equal(notACertificate.status, 2);
  assert.match(notACertificate.stderr, /key\.pem: cannot use it as a PEM certificate chain/);
});
