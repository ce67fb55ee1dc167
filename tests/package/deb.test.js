// The relay's Debian package as dpkg sees it (package.build.deb fixture,
// packaging/debian): a stripped binary whose debug symbols are in the -dbgsym
// package under its build id, relay/relay.toml as the conffile
// /etc/sockbridge/relay.toml, and a systemd unit that `systemd-analyze verify`
// accepts without a word and `systemd-analyze security` rates OK.
// Installing it in the Debian image and reaching /healthz: deb_container.test.js.
// Run as `node --test tests/package/deb.test.js` (ctest package.deb).
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { packageFile, run } from './package_fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const deb = packageFile('debian', '.deb');
const ddeb = packageFile('debian', '.ddeb');
const unit = 'sockbridge-relay.service';
// systemd-analyze security's scale runs from 0 (nothing exposed) to 10; 'OK' ends below 4.5.
const worstExposure = 2.0;

/** @type {string} */
let work;

before(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'sockbridge-deb-'));
  for (const [file, dir] of [[deb, 'deb'], [ddeb, 'ddeb']]) {
    const extract = await run('dpkg-deb', ['-x', file, path.join(work, dir)]);
    assert.equal(extract.code, 0, extract.output);
  }
});

after(async () => {
  if (work) await fs.rm(work, { recursive: true, force: true });
});

/** @param {string} file @returns {Promise<string[]>} section names */
async function sections(file) {
  const readelf = await run('readelf', ['-S', '-W', file]);
  assert.equal(readelf.code, 0, readelf.output);
  return [...readelf.stdout.matchAll(/\]\s+(\.\S+)/g)].map((match) => match[1]);
}

test('the binary is stripped and its debug symbols are in the dbgsym package under its build id', async () => {
  const binary = path.join(work, 'deb/usr/bin/sockbridge-relay');
  const binarySections = await sections(binary);
  assert.ok(!binarySections.includes('.debug_info') && !binarySections.includes('.symtab'), binarySections.join(' '));
  assert.ok(binarySections.includes('.gnu_debuglink'));
  assert.ok((await fs.stat(binary)).size < 20 << 20, 'a stripped relay is well under 20 MB');

  const notes = await run('readelf', ['-n', binary]);
  const buildId = /Build ID: ([0-9a-f]+)/.exec(notes.stdout)?.[1];
  assert.ok(buildId, notes.output);
  const debugFile = path.join(work, 'ddeb/usr/lib/debug/.build-id', buildId.slice(0, 2), `${buildId.slice(2)}.debug`);
  assert.ok((await sections(debugFile)).includes('.debug_info'), `${debugFile} has no .debug_info`);
});

test('control data: dependencies from the binary, relay.toml a conffile equal to relay/relay.toml', async () => {
  const fields = await run('dpkg-deb', ['-f', deb, 'Package', 'Depends']);
  assert.match(fields.stdout, /^Package: sockbridge-relay$/m);
  assert.match(fields.stdout, /^Depends: .*libc6 \(>= [^)]+\).*libstdc\+\+6/m);
  const conffiles = await run('dpkg-deb', ['--info', deb, 'conffiles']);
  assert.equal(conffiles.stdout.trim(), '/etc/sockbridge/relay.toml');
  assert.equal(await fs.readFile(path.join(work, 'deb/etc/sockbridge/relay.toml'), 'utf8'),
    await fs.readFile(path.join(root, 'relay/relay.toml'), 'utf8'));
});

test('systemd-analyze verify accepts the unit without a warning', async () => {
  // A root with the package's files and the machine's systemd units (sysinit.target and the rest).
  const verifyRoot = path.join(work, 'verify-root');
  await fs.cp(path.join(work, 'deb'), verifyRoot, { recursive: true });
  await fs.cp('/lib/systemd/system', path.join(verifyRoot, 'usr/lib/systemd/system'), { recursive: true, force: false, errorOnExist: false });
  const verify = await run('systemd-analyze', ['verify', `--root=${verifyRoot}`, unit]);
  assert.equal(verify.code, 0, verify.output);
  assert.equal(verify.output, '', 'systemd-analyze verify warned');
});

test(`systemd-analyze security rates the unit at most ${worstExposure}`, async () => {
  const security = await run('systemd-analyze', ['security', '--offline=true', `--root=${path.join(work, 'deb')}`, '--no-pager', unit]);
  const overall = /Overall exposure level for .*: (\d+\.\d+) (\S+)/.exec(security.stdout);
  assert.ok(overall, security.output);
  assert.ok(Number(overall[1]) <= worstExposure, `exposure ${overall[1]} ${overall[2]}:\n${security.stdout}`);
  // The sandbox the issue names, each reported as in force.
  for (const setting of ['PrivateDevices=', 'ProtectSystem=', 'NoNewPrivileges=', 'CapabilityBoundingSet=~CAP_SYS_ADMIN',
    'RestrictAddressFamilies=~AF_PACKET', 'SystemCallFilter=~@privileged', 'User=/DynamicUser=']) {
    assert.match(security.stdout, new RegExp(`✓ ${setting.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), setting);
  }
});
