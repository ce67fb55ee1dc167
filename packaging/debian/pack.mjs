#!/usr/bin/env node
// Makes the relay's Debian packages with CPack (this directory's CMakeLists.txt):
// sockbridge-relay_VERSION_ARCH.deb and its -dbgsym .ddeb, again only when the
// relay binary, relay/relay.toml or a file here changed.
//
//   node packaging/debian/pack.mjs --relay build/relay/sockbridge-relay --out build/packaging/debian [--version X.Y.Z]
//
// The version defaults to the CMake project's (project(sockbridge VERSION …) in CMakeLists.txt).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const { values: options } = parseArgs({
  options: { relay: { type: 'string' }, out: { type: 'string' }, version: { type: 'string' } },
});
if (!options.relay || !options.out) throw new Error('usage: pack.mjs --relay BUILT_RELAY --out DIR [--version X.Y.Z]');
const projectVersion = /project\(sockbridge VERSION ([0-9.]+)/.exec(fs.readFileSync(path.join(root, 'CMakeLists.txt'), 'utf8'));
options.version ??= projectVersion?.[1];
if (!options.version) throw new Error('no --version, and none in CMakeLists.txt\'s project()');
const relay = path.resolve(options.relay);
const out = path.resolve(options.out);
const stampFile = path.join(out, 'inputs.sha256');
const packages = () => fs.readdirSync(out).filter((name) => /\.d?deb$/.test(name));

const inputs = createHash('sha256').update(options.version).update(fs.readFileSync(relay));
for (const file of [...fs.readdirSync(here).sort().map((name) => path.join(here, name)), path.join(root, 'relay/relay.toml')]) {
  inputs.update(`${path.relative(root, file)}\0`).update(fs.readFileSync(file));
}
const stamp = inputs.digest('hex');
fs.mkdirSync(out, { recursive: true });
if (packages().length === 2 && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) {
  process.stdout.write(`Debian packages in ${out} (up to date): ${packages().join(' ')}\n`);
  process.exit(0);
}

for (const stale of packages()) fs.rmSync(path.join(out, stale));
const cmakeDir = path.join(out, 'cmake');
fs.rmSync(cmakeDir, { recursive: true, force: true });
const quiet = /** @type {const} */ (['ignore', 'ignore', 'inherit']);
execFileSync('cmake', ['-S', here, '-B', cmakeDir, `-DSOCKBRIDGE_RELAY=${relay}`, `-DSOCKBRIDGE_VERSION=${options.version}`], { stdio: quiet });
execFileSync('cpack', ['--config', path.join(cmakeDir, 'CPackConfig.cmake')], { cwd: cmakeDir, stdio: quiet });
// CPack's staging holds two copies of the relay (about 350 MB); the packages are all we keep.
fs.rmSync(path.join(out, '_CPack_Packages'), { recursive: true, force: true });
fs.rmSync(cmakeDir, { recursive: true, force: true });
if (packages().length !== 2) throw new Error(`cpack made ${packages().join(', ') || 'nothing'}, not a .deb and a .ddeb`);
fs.writeFileSync(stampFile, stamp);
for (const name of packages()) process.stdout.write(`${path.join(out, name)} (${fs.statSync(path.join(out, name)).size} bytes)\n`);
