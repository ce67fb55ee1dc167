// The relay's .deb installed the way a Debian user installs it, `apt-get
// install ./sockbridge-relay_…deb`, in the project's Debian image: the
// Dockerfile's installed-prebuilt stage does exactly that (no network: its
// Depends are in the base), the layers the runtime image (deploy.container)
// is made from. The installed relay, started as the unit starts it
// (ExecStart, an unprivileged user, read-only root), answers /healthz.
// Where podman or the base image is unusable it says why and exits 77 (ctest:
// skipped). Run as `node tests/package/deb_container.test.js` (ctest package.deb_container).
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { siteDir } from '../browser/fixtures.js';
import { packageFile, run } from './package_fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const baseImage = process.env.SOCKBRIDGE_BASE_IMAGE ?? 'localhost/debian-bookworm:base';
const image = 'localhost/sockbridge-relay-deb:ctest';
const container = `sockbridge-deb-ctest-${process.pid}`;
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
  await fs.rm(context, { recursive: true, force: true });
});

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
  const probe = [
    'exec 3<>/dev/tcp/127.0.0.1/8080 || exit 1',
    'printf "GET /healthz HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n" >&3',
    'cat <&3',
  ].join('; ');
  let answer = { code: -1, stdout: '', stderr: '', output: '' };
  for (let attempt = 0; attempt < 40 && answer.code !== 0; attempt++) {
    answer = await podmanRun('podman', ['exec', container, 'bash', '-c', probe]);
    if (answer.code !== 0) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const logs = await podmanRun('podman', ['logs', container]);
  assert.equal(answer.code, 0, `/healthz never answered:\n${answer.output}\n${logs.output}`);
  assert.match(answer.stdout, /^HTTP\/1\.1 200 OK\r\n/);
  assert.ok(answer.stdout.endsWith('\r\n\r\nok') || /\r\n\r\nok\s*$/.test(answer.stdout), answer.stdout);
  assert.match(logs.output, /"event":"listening".*"port":8080/);
});
