#!/usr/bin/env node
// Makes the guest SDK archive, sockbridge-sdk-VERSION.tar.xz: the SDK's install
// tree (cmake --install of the guest build; guest/README.md lists it) with this
// directory's README.md on top, packed reproducibly (sorted, owner 0, fixed
// mtime) and again only when a file of the tree changed.
//
//   node packaging/sdk/pack.mjs --guest-build build/guest --out build/packaging/sdk --version 0.1.0
//
// The tree is installed afresh each time, so it holds the SDK only: the ports
// that tests/ports installs into build/sdk are not part of it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: options } = parseArgs({
  options: { 'guest-build': { type: 'string' }, out: { type: 'string' }, version: { type: 'string' } },
});
if (!options['guest-build'] || !options.out || !options.version) {
  throw new Error('usage: pack.mjs --guest-build GUEST_BUILD_DIR --out DIR --version X.Y.Z');
}
const out = path.resolve(options.out);
const name = `sockbridge-sdk-${options.version}`;
const tree = path.join(out, name);
const archive = path.join(out, `${name}.tar.xz`);
const stampFile = path.join(out, 'inputs.sha256');

fs.rmSync(tree, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
execFileSync('cmake', ['--install', path.resolve(options['guest-build']), '--prefix', tree], { stdio: ['ignore', 'ignore', 'inherit'] });
fs.copyFileSync(path.join(here, 'README.md'), path.join(tree, 'README.md'));

/** Hashes a tree: each entry's path, kind, mode and content (or link target). @param {string} dir @param {import('node:crypto').Hash} hash */
function hashTree(dir, hash) {
  for (const entry of fs.readdirSync(dir).sort()) {
    const where = path.join(dir, entry);
    const stat = fs.lstatSync(where);
    hash.update(`${path.relative(tree, where)}\0${stat.mode}\0`);
    if (stat.isSymbolicLink()) hash.update(fs.readlinkSync(where));
    else if (stat.isDirectory()) hashTree(where, hash);
    else hash.update(fs.readFileSync(where));
  }
}
const hash = createHash('sha256').update(name);
hashTree(tree, hash);
const stamp = hash.digest('hex');
if (fs.existsSync(archive) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) {
  process.stdout.write(`SDK archive: ${archive} (up to date)\n`);
  process.exit(0);
}
for (const stale of fs.readdirSync(out).filter((file) => file.endsWith('.tar.xz'))) fs.rmSync(path.join(out, stale));
execFileSync('tar', [
  '--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-C', out, '-cJf', archive, name,
], { stdio: 'inherit' });
fs.writeFileSync(stampFile, stamp);
process.stdout.write(`SDK archive: ${archive} (${fs.statSync(archive).size} bytes)\n`);
