// The real curl (Debian's 7.88.1 with mbedTLS and zlib, guest/ports/curl,
// published in the site by the ports.build fixture) in the page through run(),
// JSPI and Asyncify: HTTPS to Debian's nginx with a test CA given to the guest
// as a file, TLS inside the page, and curl's own exit code 60 for a
// certificate that does not verify. The same binary tests/ports/curl.test.js
// runs through the Node CLI.
import { readFileSync } from 'node:fs';

import { serverName, startTlsServers } from '../ports/tls_peers.js';
import { expect, runGuest, test } from './fixtures.js';

const hello = 'hello over TLS, in the page\n';

test('curl in the page fetches over HTTPS with --cacert, reusing one TLS connection, and refuses an expired certificate', async ({
  page,
  relay,
  blocking,
}) => {
  const tls = await startTlsServers({ 'hello.txt': hello });
  try {
    await page.goto(`${relay.url}/healthz`);
    const relayUrl = `ws://127.0.0.1:${relay.port}/wisp/`;
    const files = { '/test-ca.pem': readFileSync(tls.caFile, 'utf8') };
    /** @param {number} port */
    const trusting = (port) => ['--cacert', '/test-ca.pem', '--resolve', `${serverName}:${port}:127.0.0.1`];
    const url = `https://${serverName}:${tls.ports.rsa}/hello.txt`;
    const fetched = await runGuest(page, {
      guest: 'curl', args: ['-sS', '-v', ...trusting(tls.ports.rsa), url, url], relay: relayUrl, blocking, files,
    });
    expect(fetched.error).toBeNull();
    expect(fetched.code).toBe(0);
    expect(fetched.stdout).toBe(hello + hello);
    expect(fetched.stderr).toContain('Re-using existing connection');
    const expiredUrl = `https://${serverName}:${tls.ports.expired}/hello.txt`;
    const refused = await runGuest(page, {
      guest: 'curl', args: ['-sS', ...trusting(tls.ports.expired), expiredUrl], relay: relayUrl, blocking, files,
    });
    expect(refused.code).toBe(60);
    expect(refused.stderr).toMatch(/^curl: \(60\) Cert verify failed: BADCERT_EXPIRED$/m);
  } finally {
    tls.stop();
  }
});
