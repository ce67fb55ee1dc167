// The relay's .deb installed the way a Debian user installs it, `apt-get
// install ./sockbridge-relay_…deb`, in the project's Debian image: the
// Dockerfile's installed-prebuilt stage does exactly that (no network: its
// Depends are in the base), the layers the runtime image (deploy.container)
// is made from. The installed relay, started as the unit starts it
// (ExecStart, an unprivileged user, read-only root), answers /healthz. Then
// the unit itself under systemd as the container's init (podman --systemd):
// it starts with its sandbox in force (a dynamic uid, no capabilities,
// no_new_privs, a seccomp filter), and a guest run by the Node CLI resolves a
// name and connects through it (dev mode and a published port, set by a
// drop-in as `systemctl edit` would). systemd comes from the Debian mirror
// (apt-get in a build with --network host), the one download here.
// Where podman, the base image or (for systemd) the Debian mirror is unusable
// it says why and exits 77 (ctest: skipped). Run as `node tests/package/deb_container.test.js` (ctest package.deb_container).
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { closedPort, siteDir } from '../browser/fixtures.js';
import { packageFile, run } from './package_fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const baseImage = process.env.SOCKBRIDGE_BASE_IMAGE ?? 'localhost/debian-bookworm:base';
const image = 'localhost/sockbridge-relay-deb:ctest';
const systemdImage = 'localhost/sockbridge-relay-systemd:ctest';
const container = `sockbridge-deb-ctest-${process.pid}`;
const systemdContainer = `sockbridge-systemd-ctest-${process.pid}`;
const env = { ...process.env, CONTAINERS_CONF: process.env.CONTAINERS_CONF ?? path.join(root, 'docker/podman.conf') };
const deb = packageFile('debian', '.deb');

/** @param {string} file @param {string[]} args */
const podmanRun = (file, args) => run(file, args, { env, cwd: root });

/** Says loudly why the test cannot run here, and exits with ctest's skip code. @param {string} why */
function skip(why) {
  const bar = '!'.repeat(78);
  process.stderr.write(`${bar}\nSKIPPED package.deb_container: ${why}\n${bar}\n`);
  process.exit(77);
}

if ((await podmanRun('sh', ['-c', 'command -v podman'])).code !== 0) skip('podman is not installed (scripts/bootstrap installs it)');
const base = await podmanRun(path.join(root, 'scripts/container-base'), [baseImage]);
if (base.code !== 0) skip(`cannot make the base image ${baseImage} (scripts/container-base):\n${base.output}`);

const context = await fs.mkdtemp(path.join(os.tmpdir(), 'sockbridge-deb-image-'));
after(async () => {
  await podmanRun('podman', ['rm', '--force', '--time', '5', container]);
  await podmanRun('podman', ['rm', '--force', '--time', '5', systemdContainer]);
  await fs.rm(context, { recursive: true, force: true });
});

// GET /healthz from inside the container (bash's /dev/tcp), until it answers or 10 s have passed.
const HEALTHZ = [
  'exec 3<>/dev/tcp/127.0.0.1/8080 || exit 1',
  'printf "GET /healthz HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n" >&3',
  'cat <&3',
].join('; ');

/** @param {string} name */
async function healthz(name) {
  let answer = { code: -1, stdout: '', stderr: '', output: '' };
  for (let attempt = 0; attempt < 40 && answer.code !== 0; attempt++) {
    answer = await podmanRun('podman', ['exec', name, 'bash', '-c', HEALTHZ]);
    if (answer.code !== 0) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return answer;
}

test('apt-get install ./…deb in the Debian image, then the installed relay answers /healthz', async () => {
  // The prebuilt context (docker/Dockerfile's header): the .deb, the site, docker/.
  await fs.mkdir(path.join(context, 'build/packaging/debian'), { recursive: true });
  await fs.copyFile(deb, path.join(context, 'build/packaging/debian', path.basename(deb)));
  await fs.cp(siteDir, path.join(context, 'build/site'), { recursive: true });
  await fs.cp(path.join(root, 'docker'), path.join(context, 'docker'), { recursive: true });
  const previous = (await podmanRun('podman', ['image', 'inspect', '--format', '{{.Id}}', image])).stdout.trim();
  const build = await podmanRun('podman', [
    'build', '--network', 'none', '--format', 'docker', '--build-arg', `BASE=${baseImage}`,
    '--target', 'installed-prebuilt', '-t', image, '-f', path.join(root, 'docker/Dockerfile'), context,
  ]);
  assert.equal(build.code, 0, `podman build (apt-get install ./${path.basename(deb)}) failed:\n${build.output}`);
  // The last run's image, now untagged (a new .deb): a Debian base's worth of disk per rebuild otherwise.
  const current = (await podmanRun('podman', ['image', 'inspect', '--format', '{{.Id}}', image])).stdout.trim();
  if (/^[0-9a-f]{64}$/.test(previous) && previous !== current) await podmanRun('podman', ['rmi', previous]);

  const status = await podmanRun('podman', ['run', '--rm', image, 'dpkg-query', '-W', '-f', '${Status} ${Version}', 'sockbridge-relay']);
  assert.match(status.stdout, /^install ok installed \d/, status.output);

  // The unit's ExecStart, as nobody, on a read-only root: the package's own config (127.0.0.1:8080).
  const start = await podmanRun('podman', ['run', '-d', '--name', container, '--user', '65534:65534', '--read-only', '--network', 'none',
    image, '/usr/bin/sockbridge-relay', '--config', '/etc/sockbridge/relay.toml']);
  assert.equal(start.code, 0, start.output);
  const answer = await healthz(container);
  const logs = await podmanRun('podman', ['logs', container]);
  assert.equal(answer.code, 0, `/healthz never answered:\n${answer.output}\n${logs.output}`);
  assert.match(answer.stdout, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(answer.stdout, /\r\n\r\nok\n$/);
  assert.match(logs.output, /"event":"listening".*"port":8080/);
});

test('the unit runs under systemd with its sandbox in force, and relays a guest', async () => {
  // The image above plus systemd, the unit enabled, and a drop-in: dev mode (loopback targets) on a published port.
  await fs.writeFile(path.join(context, 'Containerfile'), [
    `FROM ${image}`,
    'RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends systemd systemd-sysv >/dev/null \\',
    ' && systemctl enable sockbridge-relay.service && mkdir -p /etc/systemd/system/sockbridge-relay.service.d \\',
    ' && printf "[Service]\\nEnvironment=SOCKBRIDGE_LISTEN=0.0.0.0:8080 SOCKBRIDGE_DEV=1\\n" >/etc/systemd/system/sockbridge-relay.service.d/test.conf',
    '',
  ].join('\n'));
  const previous = (await podmanRun('podman', ['image', 'inspect', '--format', '{{.Id}}', systemdImage])).stdout.trim();
  const build = await podmanRun('podman', ['build', '--network', 'host', '-t', systemdImage, '-f', path.join(context, 'Containerfile'), context]);
  if (build.code !== 0 && /Temporary failure resolving|Could not resolve|Failed to fetch|Unable to connect/.test(build.output)) {
    await fs.rm(context, { recursive: true, force: true });
    skip(`the Debian mirror is out of reach, so systemd cannot be installed in the image (the .deb's own install passed):\n${build.output}`);
  }
  assert.equal(build.code, 0, `podman build (apt-get install systemd) failed:\n${build.output}`);
  const current = (await podmanRun('podman', ['image', 'inspect', '--format', '{{.Id}}', systemdImage])).stdout.trim();
  if (/^[0-9a-f]{64}$/.test(previous) && previous !== current) await podmanRun('podman', ['rmi', previous]);

  const port = await closedPort();
  const start = await podmanRun('podman', ['run', '-d', '--name', systemdContainer, '--systemd', 'always', '-p', `127.0.0.1:${port}:8080`,
    systemdImage, '/sbin/init']);
  assert.equal(start.code, 0, start.output);
  const answer = await healthz(systemdContainer);
  const journal = async () => (await podmanRun('podman', ['exec', systemdContainer, 'journalctl', '-u', 'sockbridge-relay', '--no-pager'])).output;
  assert.equal(answer.code, 0, `/healthz never answered:\n${answer.output}\n${await journal()}`);
  assert.match(answer.stdout, /^HTTP\/1\.1 200 OK\r\n/);

  const status = await podmanRun('podman', ['exec', systemdContainer, 'bash', '-c',
    'grep -E "^(Uid|CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/$(systemctl show -P MainPID sockbridge-relay)/status']);
  assert.equal(status.code, 0, status.output);
  const uid = Number(/^Uid:\s+(\d+)/m.exec(status.stdout)?.[1]);
  assert.ok(uid >= 61184 && uid <= 65519, `not a DynamicUser uid (61184-65519):\n${status.stdout}`);
  assert.match(status.stdout, /^CapEff:\s+0{16}$/m);
  assert.match(status.stdout, /^CapBnd:\s+0{16}$/m);
  assert.match(status.stdout, /^NoNewPrivs:\s+1$/m);
  assert.match(status.stdout, /^Seccomp:\s+2$/m);

  // A guest through the published port: the relay resolves "localhost" (getaddrinfo with
  // AI_ADDRCONFIG, under RestrictAddressFamilies) and connects to its own /healthz.
  const guest = path.join(siteDir, 'guests/http_client.wasm');
  const result = await run(process.execPath, [path.join(root, 'shim-js/cli.js'), guest, 'localhost', '8080', '/healthz',
    '--relay', `ws://127.0.0.1:${port}/wisp/`], { cwd: root });
  assert.equal(result.code, 0, `${result.output}\n${await journal()}`);
  assert.match(result.stdout, /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nok\n$/);
});
