// A guest run through the Node CLI against a relay that requires a login and
// has a message of the day: the right credentials (SOCKBRIDGE_RELAY_USER /
// _PASSWORD, passed to run() as relayAuth) let the guest fetch a page; none or
// wrong ones fail its connect with EACCES and say why; the MOTD is shown.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { siteDir } from '../browser/fixtures.js';
import { relayAndHttpServer, runCli } from './run_cli.js';

const guest = `${siteDir}/guests/http_client.wasm`;

const servers = relayAndHttpServer(() => ['--dev', '--user', 'alice:correct horse', '--motd', 'Test relay: be kind.']);

const fetchHello = (/** @type {Record<string, string>} */ env) =>
  runCli([guest, '127.0.0.1', String(servers.http.port), '/hello', '--relay', `ws://127.0.0.1:${servers.relay.port}/wisp/`], env);

test('the right login lets the guest through, and the MOTD is shown', async () => {
  const result = await fetchHello({ SOCKBRIDGE_RELAY_USER: 'alice', SOCKBRIDGE_RELAY_PASSWORD: 'correct horse' });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /hello from a real TCP server\n$/);
  assert.match(result.stderr, /^sockbridge: message from the relay: Test relay: be kind\.$/m);
});

test('a wrong password fails the connect with EACCES and names the reason', async () => {
  const result = await fetchHello({ SOCKBRIDGE_RELAY_USER: 'alice', SOCKBRIDGE_RELAY_PASSWORD: 'wrong' });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /Permission denied/);
  assert.match(result.stderr, /relay closed the session: authentication failed: bad password/);
  assert.match(result.stderr, /refused the login \(close reason 0xc0/);
});

test('no login at all is refused as authentication required', async () => {
  const result = await fetchHello({});
  assert.equal(result.code, 1);
  assert.match(result.stderr, /Permission denied/);
  assert.match(result.stderr, /requires a login \(close reason 0xc2/);
});
