// The embedding example (web/demo/embed-example.html): two <sockbridge-run>
// elements on a docs-style page, each with its own kernel, sharing one relay
// WebSocket (share-relay), both running at once.
import { expect, test } from './fixtures.js';
import { echoOnce, listeningPort } from './tcp_peers.js';

test('both embedded programs run at once, each in its own terminal', async ({ page, relay, blocking }) => {
  await page.goto(`${relay.url}/embed-example.html`);
  const httpExample = page.locator('#http-example');
  const echoExample = page.locator('#echo-example');
  // The command line shows the page's host and port in place of {host} {port}.
  await expect(httpExample.locator('.sbr-command')).toHaveText(`http_client 127.0.0.1 ${relay.port} /healthz`);
  // Run each in this project's blocking mode; the echo server on a port the relay picks, for one client.
  await page.evaluate(([mode, echoArgs]) => {
    for (const element of document.querySelectorAll('sockbridge-run')) element.setAttribute('blocking', mode);
    document.querySelector('#echo-example')?.setAttribute('args', echoArgs);
  }, [blocking, '0 1']);

  await echoExample.getByRole('button', { name: 'Run echo_server 0 1' }).click();
  await expect(echoExample).toContainText('listening on 127.0.0.1 port ');
  const port = listeningPort(await echoExample.textContent());
  await expect(echoExample.getByRole('button', { name: 'Stop echo_server' })).toBeVisible();

  // While the echo server runs, the other element runs its own program.
  await httpExample.getByRole('button', { name: /^Run http_client/ }).click();
  await expect(httpExample).toContainText('HTTP/1.1 200 OK');
  await expect(httpExample.locator('.sbr-status')).toHaveText('exit code 0');
  await expect(echoExample.locator('.sbr-status')).toHaveText('running…');
  await expect(httpExample).not.toContainText('listening on');

  expect(await echoOnce(port, 'through the embedded server\n')).toBe('through the embedded server\n');
  await expect(echoExample).toContainText('disconnected');
  await expect(echoExample.locator('.sbr-status')).toHaveText('exit code 0');
  await expect(echoExample.getByRole('button', { name: /^Run echo_server/ })).toBeVisible();
  // share-relay: both programs went through one WebSocket session.
  expect(relay.log.filter((line) => line.includes('"session_open"')).length).toBe(1);
});

test('an element moved elsewhere in the page still runs its program once per click', async ({ page, relay, blocking }) => {
  await page.goto(`${relay.url}/embed-example.html`);
  const httpExample = page.locator('#http-example');
  await expect(httpExample.locator('.sbr-command')).toHaveText(/^http_client /);
  await page.evaluate((mode) => {
    const element = /** @type {HTMLElement} */ (document.querySelector('#http-example'));
    element.setAttribute('blocking', mode);
    document.body.append(element);  // disconnected, then connected again
  }, blocking);
  await httpExample.getByRole('button', { name: /^Run http_client/ }).click();
  await expect(httpExample).toContainText('HTTP/1.1 200 OK');
  await expect(httpExample.locator('.sbr-status')).toHaveText('exit code 0');
});
