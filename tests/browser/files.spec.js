// run({ files }) in the page: the read_config guest reads its configuration
// and a data directory from files the embedder passed, and finds a real TCP
// echo server through the /etc/hosts and /etc/services it was given.
import { expect, runGuest, test } from './fixtures.js';
import { startEchoServer } from './tcp_peers.js';

test('a guest reads run({ files }) and resolves through the supplied /etc/hosts', async ({ page, relay, blocking }) => {
  const peer = await startEchoServer();
  try {
    await page.goto(`${relay.url}/healthz`);
    const result = await runGuest(page, {
      guest: 'read_config',
      args: ['/etc/app.conf', '/srv', 'Echo.Page.Test', 'page-echo'],
      relay: `ws://127.0.0.1:${relay.port}/wisp/`,
      blocking,
      files: {
        '/etc/app.conf': 'from=the page\n',
        '/etc/hosts': '# given by run()\n127.0.0.1 echo.page.test\n',
        '/etc/services': `page-echo ${peer.port}/tcp\n`,
        '/srv/notes/today.txt': 'one note\n',
      },
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe([
      '/etc/app.conf (14 bytes):',
      '  from=the page',
      '/srv/notes/today.txt (9 bytes):',
      '  one note',
      'open for writing: Read-only file system',
      `service page-echo: port ${peer.port}`,
      'FIONREAD before recv: 5, received: 5',
      'reply: ping',
      '',
    ].join('\n'));
    expect(result.code).toBe(0);
    expect(peer.received).toEqual(['ping\n']);
  } finally {
    await new Promise((resolve) => peer.server.close(resolve));
  }
});

test('run() refuses a file path that is not absolute, before the guest starts', async ({ page, relay, blocking }) => {
  await page.goto(`${relay.url}/healthz`);
  const result = await runGuest(page, {
    guest: 'read_config', args: [], relay: `ws://127.0.0.1:${relay.port}/wisp/`, blocking,
    files: { 'etc/app.conf': 'x' },
  });
  expect(result.error).toBe('Error: files: cannot add etc/app.conf: Invalid argument');
  expect(result.stdout).toBe('');
});
