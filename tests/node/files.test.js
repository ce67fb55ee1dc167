// The guest's read-only file tree through the Node CLI: --file and --dir give
// the read_config guest its configuration, a data directory, and /etc/hosts
// and /etc/services, through which it finds a real TCP echo server on
// 127.0.0.1 behind the real relay.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { siteDir, startRelay } from '../browser/fixtures.js';
import { startEchoServer } from '../browser/tcp_peers.js';
import { runCli } from './run_cli.js';

const guest = `${siteDir}/guests/read_config.wasm`;

/** @type {{ process: import('node:child_process').ChildProcess, port: number }} */
let relay;
/** @type {{ port: number, server: import('node:net').Server, received: string[] }} */
let echo;
/** @type {string} */
let scratch;
/** @type {Record<string, string>} host paths of the files the tests map */
const host = {};

before(async () => {
  relay = await startRelay(['--dev']);
  echo = await startEchoServer();
  scratch = await mkdtemp(path.join(tmpdir(), 'sockbridge-files-'));
  host.conf = path.join(scratch, 'app.conf');
  host.hosts = path.join(scratch, 'hosts');
  host.services = path.join(scratch, 'services');
  host.data = path.join(scratch, 'data');
  await writeFile(host.conf, 'greeting=hello\nmode=test\n');
  // The name exists nowhere but here (.test never resolves), so only /etc/hosts can answer.
  await writeFile(
    host.hosts,
    '# the guest sees this file as /etc/hosts\n' +
      '192.0.2.1   unrelated.test\n' +
      `127.0.0.1   Echo-Server.test  echo  # the echo server, by an alias\n` +
      '::1         ip6-localhost\n',
  );
  await writeFile(host.services, `# ours only\nsb-echo  ${echo.port}/tcp  echo-service\n`);
  await mkdir(path.join(host.data, 'nested'), { recursive: true });
  await writeFile(path.join(host.data, 'a.txt'), 'first file\n');
  await writeFile(path.join(host.data, 'nested', 'b.txt'), 'second file\n');
});

after(async () => {
  relay.process.kill('SIGTERM');
  echo.server.close();
  await rm(scratch, { recursive: true, force: true });
});

const wispUrl = () => `ws://127.0.0.1:${relay.port}/wisp/`;

/** The CLI flags that give the guest every test file. */
const fileFlags = () => [
  '--file', `/etc/app.conf=${host.conf}`,
  '--file', `/etc/hosts=${host.hosts}`,
  '--file', `/etc/services=${host.services}`,
  '--dir', `/srv/data=${host.data}`,
];

test('a guest reads --file and --dir files and reaches a server named in the supplied /etc/hosts', async () => {
  const before = echo.received.length;
  const result = await runCli([guest, '/etc/app.conf', '/srv/data', 'ECHO-server.TEST', 'sb-echo',
    '--relay', wispUrl(), ...fileFlags()]);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.split('\n');
  assert.deepEqual(lines.slice(0, 3), ['/etc/app.conf (25 bytes):', '  greeting=hello', '  mode=test'],
    'the config file, and FIONREAD on it counts its bytes');
  assert.match(result.stdout, /\/srv\/data\/a\.txt \(11 bytes\):\n {2}first file\n/);
  assert.match(result.stdout, /\/srv\/data\/nested\/b\.txt \(12 bytes\):\n {2}second file\n/, '--dir maps recursively');
  assert.match(result.stdout, /open for writing: Read-only file system\n/);
  assert.match(result.stdout, new RegExp(`service sb-echo: port ${echo.port}\n`), 'getservbyname reads /etc/services');
  assert.match(result.stdout, /FIONREAD before recv: 5, received: 5\nreply: ping\n$/);
  assert.deepEqual(echo.received.slice(before), ['ping\n'], 'the real server got the guest\'s bytes');
});

test('an /etc/hosts alias resolves too', async () => {
  const result = await runCli([guest, '/etc/app.conf', '/srv/data', 'echo', 'echo-service',
    '--relay', wispUrl(), ...fileFlags()]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /reply: ping\n$/);
});

test('without the files the guest cannot open its configuration', async () => {
  const result = await runCli([guest, '/etc/app.conf', '/srv/data', 'echo', 'sb-echo', '--relay', wispUrl()]);
  assert.equal(result.code, 3);
  assert.match(result.stderr, /cannot open \/etc\/app\.conf: /);
});

test('bad --file and --dir flags are usage errors that say what is wrong', async () => {
  const cases = [
    [['--file', '/etc/app.conf'], /--file expects GUEST_PATH=HOST_PATH, not '\/etc\/app\.conf'/],
    [['--file', `etc/app.conf=${host.conf}`], /--file: the guest path must be absolute: 'etc\/app\.conf'/],
    [['--dir'], /--dir needs a value/],
    [['--file', `/etc/app.conf=${scratch}/missing`], /--file \/etc\/app\.conf=.*: cannot read .*missing \(ENOENT\)/],
    [['--dir', `/srv=${host.conf}`], /--dir \/srv=.*app\.conf is not a directory/],
  ];
  for (const [flags, message] of cases) {
    const result = await runCli([guest, '/etc/app.conf', '/srv/data', 'echo', 'sb-echo', '--relay', wispUrl(),
      ...flags]);
    assert.equal(result.code, 125, `${flags.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.equal(result.stdout, '', 'the guest never ran');
  }
});
