// The relay image for real: built with podman from the native build's
// artefacts (Dockerfile target "prebuilt": the relay's .deb and the site), started with podman-compose from
// docker/compose.yaml (bridge network, published port), healthy, serving the
// demo site, and carrying the HTTP client demo (Node CLI runner) to a real
// HTTP server on the container's 127.0.0.1: the relay's own, in dev mode.
// (A server on the host's loopback is out of reach: the relay only allows
// loopback targets, and podman-compose 1.0.3 cannot run network_mode: host.)
// Where podman or the base image is unusable it says why and exits 77, which
// ctest reports as skipped (SKIP_RETURN_CODE); it never passes silently.
// Run as `node tests/deploy/container.test.js` (ctest deploy.container).
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { closedPort, siteDir } from '../browser/fixtures.js';
import { packageFile } from '../package/package_fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const baseImage = process.env.SOCKBRIDGE_BASE_IMAGE ?? 'localhost/debian-bookworm:base';
const image = 'localhost/sockbridge-relay:ctest';
const project = `sockbridge-ctest-${process.pid}`;
const container = `${project}_relay_1`;
const env = { ...process.env, CONTAINERS_CONF: process.env.CONTAINERS_CONF ?? path.join(root, 'docker/podman.conf') };
const skipCode = 77;
// The relay's .deb (package.build.deb fixture): the image installs it, stripped, as Debian would.
const relayDeb = packageFile('debian', '.deb');

/**
 * Runs a command to completion; never rejects.
 * @param {string} file @param {string[]} args @param {NodeJS.ProcessEnv} [extraEnv]
 * @returns {Promise<{ code: number, output: string }>}
 */
function run(file, args, extraEnv = {}) {
  return new Promise((resolve) => {
    execFile(file, args, { env: { ...env, ...extraEnv }, cwd: root, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 127) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** Says loudly why the test cannot run here, and exits with ctest's skip code. @param {string} why */
function skip(why) {
  const bar = '!'.repeat(78);
  process.stderr.write(`${bar}\nSKIPPED deploy.container: ${why}\n${bar}\n`);
  process.exit(skipCode);
}

// Preflight: podman, podman-compose and a base image that runs.
for (const tool of ['podman', 'podman-compose']) {
  if ((await run('sh', ['-c', `command -v ${tool}`])).code !== 0) skip(`${tool} is not installed (scripts/bootstrap installs it)`);
}
const base = await run(path.join(root, 'scripts/container-base'), [baseImage]);
if (base.code !== 0) skip(`cannot make the base image ${baseImage} (scripts/container-base):\n${base.output}`);
const probe = await run('podman', ['run', '--rm', baseImage, 'true']);
if (probe.code !== 0) skip(`podman cannot run a container from ${baseImage} here:\n${probe.output}`);

/**
 * Runs the Node CLI runner and collects its output.
 * @param {string[]} args @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
 */
function runCli(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'shim-js/cli.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** @param {string[]} args */
function compose(args) {
  const files = ['-f', path.join(root, 'docker/compose.yaml')];
  return run('podman-compose', ['-p', project, ...files, ...args], {
    SOCKBRIDGE_IMAGE: image,
    SOCKBRIDGE_PORT: String(relayPort),
    SOCKBRIDGE_DEV: '1',
  });
}

/** @type {string} */
let context;
let relayPort = 0;

before(async () => {
  // The build context: only what the prebuilt target copies, so podman's
  // layer cache hits whenever the native build did not change.
  context = await fs.mkdtemp(path.join(os.tmpdir(), 'sockbridge-image-'));
  await fs.mkdir(path.join(context, 'build/packaging/debian'), { recursive: true });
  await fs.copyFile(relayDeb, path.join(context, 'build/packaging/debian', path.basename(relayDeb)));
  await fs.cp(siteDir, path.join(context, 'build/site'), { recursive: true });
  await fs.cp(path.join(root, 'docker'), path.join(context, 'docker'), { recursive: true });
  relayPort = await closedPort();
});

after(async () => {
  const down = await compose(['down', '-t', '30']);
  if (down.code !== 0) process.stderr.write(`podman-compose down failed:\n${down.output}\n`);
  await run('podman', ['network', 'rm', `${project}_default`]); // down leaves it behind
  if (context) await fs.rm(context, { recursive: true, force: true });
});

test('the image builds, starts healthy with compose, and relays the HTTP client demo', async () => {
  const previous = (await run('podman', ['image', 'inspect', '--format', '{{.Id}}', image])).output.trim();
  const build = await run('podman', [
    'build', '--network', 'host', '--format', 'docker', '--build-arg', `BASE=${baseImage}`,
    '--target', 'prebuilt', '-t', image, '-f', path.join(root, 'docker/Dockerfile'), context,
  ]);
  assert.equal(build.code, 0, `podman build failed:\n${build.output}`);
  // The last run's image, now untagged: one relay binary's worth of disk per rebuild otherwise.
  const current = (await run('podman', ['image', 'inspect', '--format', '{{.Id}}', image])).output.trim();
  if (/^[0-9a-f]{64}$/.test(previous) && previous !== current) await run('podman', ['rmi', previous]);
  // The runtime image is the stripped relay, the libraries it and bash load, and the site (docs/deploy.md).
  const size = Number((await run('podman', ['image', 'inspect', '--format', '{{.Size}}', image])).output.trim());
  assert.ok(size > 0 && size <= 60e6, `the image is ${(size / 1e6).toFixed(1)} MB, over the 60 MB docs/deploy.md promises`);

  const up = await compose(['up', '-d', '--no-build']);
  assert.equal(up.code, 0, `podman-compose up failed:\n${up.output}`);

  // Healthchecks do not run on their own here (no systemd): run the image's
  // check until it passes, for at most 30 s; a container that stopped fails at once.
  let healthy = false;
  for (let attempt = 0; attempt < 60 && !healthy; attempt++) {
    const state = await run('podman', ['inspect', '--format', '{{.State.Status}}', container]);
    if (state.output.trim() !== 'running') {
      const logs = await run('podman', ['logs', container]);
      assert.fail(`container is ${state.output.trim()}:\n${logs.output}`);
    }
    healthy = (await run('podman', ['healthcheck', 'run', container])).code === 0;
    if (!healthy) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  assert.ok(healthy, `never healthy:\n${(await run('podman', ['logs', container])).output}`);

  // compose.yaml's hardening reached the container.
  const inspected = await run('podman', ['inspect', '--format', '{{.Config.User}} {{.HostConfig.ReadonlyRootfs}}', container]);
  assert.equal(inspected.output.trim(), '10001 true');

  const page = await fs.readFile(path.join(siteDir, 'index.html'));
  const site = await fetch(`http://127.0.0.1:${relayPort}/`);
  assert.equal(site.status, 200);
  assert.ok(Buffer.from(await site.arrayBuffer()).equals(page), 'the published port serves another index.html');

  // Through the published port into the relay, out to the container's own 127.0.0.1:8080.
  const guest = path.join(siteDir, 'guests/http_client.wasm');
  const result = await runCli([guest, '127.0.0.1', '8080', '/index.html', '--relay', `ws://127.0.0.1:${relayPort}/wisp/`]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^HTTP\/1\.1 200 OK\r\n/);
  const body = result.stdout.slice(result.stdout.indexOf('\r\n\r\n') + 4);
  assert.equal(body, page.toString(), 'the guest received another index.html');

  const logs = await run('podman', ['logs', container]);
  assert.match(logs.output, /"event":"session_open"/);
  assert.match(logs.output, /"event":"stream_connected"/);
});
