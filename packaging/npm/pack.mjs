#!/usr/bin/env node
// Makes the npm package `sockbridge` (npm pack) from the staged demo site:
//
//   node packaging/npm/pack.mjs --site build/site --out build/packaging/npm --version 0.1.0
//
// What goes in is found, not listed: every module of shim-js/src and
// the <sockbridge-run> element, plus everything they reference with a relative
// `import`, `import()` or `new URL('…', import.meta.url)` (xterm.js under
// vendor/, the CA bundle, host.js), followed file by file. A module added to
// shim-js or to the element's imports is packed the next time; a reference to
// a file the site lacks stops the pack. Emscripten's host.js takes host.wasm
// beside it, so a packed X.js takes an X.wasm beside it too. The layout is the
// site's, so every relative URL in the modules holds unchanged in the package.
//
// Then: the Node runner as the `bin` (packaging/npm/bin), `ws` bundled (the
// runner's WebSocket on Node 20; bundled so an offline install works), and
// TypeScript declarations under types/, emitted by tsc from the JSDoc.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const { values: options } = parseArgs({
  options: { site: { type: 'string' }, out: { type: 'string' }, version: { type: 'string' } },
});
if (!options.site || !options.out || !options.version) {
  throw new Error('usage: pack.mjs --site STAGED_SITE --out DIR --version X.Y.Z');
}
const site = path.resolve(options.site);
const out = path.resolve(options.out);
const stage = path.join(out, 'sockbridge');

/**
 * The element and every module of shim-js/src, as paths inside the site (web/demo/CMakeLists.txt
 * stages shim-js/src there; listing the source, not the site, leaves out a module since deleted).
 */
function entryPoints() {
  const modules = fs.readdirSync(path.join(root, 'shim-js/src')).filter((name) => name.endsWith('.js'));
  return ['sockbridge-run.js', ...modules.sort().map((name) => `shim-js/src/${name}`)];
}

const REFERENCES = [
  /\b(?:from|import)\s*['"]([^'"]+)['"]/g, // static import / export … from
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g, // import('…') with a literal (JSDoc types too: harmless)
  /\bnew URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g,
];

/** Relative specifiers a module refers to (bare names and absolute URLs are not files of ours). @param {string} text */
function referencesIn(text) {
  const found = new Set();
  for (const pattern of REFERENCES) {
    for (const match of text.matchAll(pattern)) {
      const specifier = match[1];
      if (/^[a-z][a-z0-9+.-]*:/i.test(specifier) || specifier.startsWith('/')) continue;
      if (!specifier.startsWith('.') && !pattern.source.includes('new URL')) continue; // bare package name
      found.add(specifier);
    }
  }
  return found;
}

/** The closure of the entry points, as site-relative paths (directories end in '/'). */
function packedPaths() {
  const packed = new Set();
  const pending = entryPoints();
  while (pending.length > 0) {
    const file = /** @type {string} */ (pending.pop());
    if (packed.has(file)) continue;
    const absolute = path.join(site, file);
    if (!fs.existsSync(absolute)) throw new Error(`${file} is referenced but missing from ${site} (is the site staged?)`);
    packed.add(file);
    if (file.endsWith('/')) continue;
    const wasm = absolute.replace(/\.js$/, '.wasm');
    if (wasm !== absolute && fs.existsSync(wasm)) packed.add(file.replace(/\.js$/, '.wasm'));
    if (!/\.m?js$/.test(file)) continue;
    for (const specifier of referencesIn(fs.readFileSync(absolute, 'utf8'))) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
      if (target.startsWith('..')) throw new Error(`${file} refers outside the site: ${specifier}`);
      pending.push(specifier.endsWith('/') ? `${target}/` : target);
    }
  }
  return [...packed].sort();
}

/** @param {string} from @param {string} to */
function copy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, to, { recursive: true });
}

/** Every file under a path (a file itself, or a directory's files, sorted). @param {string} where @returns {string[]} */
function filesUnder(where) {
  if (!fs.statSync(where).isDirectory()) return [where];
  return fs.readdirSync(where).sort().flatMap((name) => filesUnder(path.join(where, name)));
}

// Packed again only when an input changed: the packed files, this directory, ws, the version.
const files = packedPaths();
const tarball = path.join(out, `sockbridge-${options.version}.tgz`);
const stampFile = path.join(out, 'inputs.sha256');
const inputs = createHash('sha256').update(options.version);
for (const file of [...files.map((name) => path.join(site, name)), here, path.join(root, 'node_modules/ws/package.json')]) {
  for (const each of filesUnder(file)) inputs.update(`${path.relative(root, each)}\0`).update(fs.readFileSync(each));
}
const stamp = inputs.digest('hex');
if (fs.existsSync(tarball) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) {
  process.stdout.write(`npm package: ${tarball} (up to date)\n`);
  process.exit(0);
}

fs.rmSync(stage, { recursive: true, force: true });
for (const file of files) copy(path.join(site, file), path.join(stage, file));

const manifest = JSON.parse(fs.readFileSync(path.join(here, 'package.json'), 'utf8'));
manifest.version = options.version;
const ws = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/ws/package.json'), 'utf8'));
manifest.dependencies = { ws: ws.version };
manifest.bundleDependencies = ['ws'];
fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
for (const name of ['README.md', 'bin']) copy(path.join(here, name), path.join(stage, name));
copy(path.join(root, 'node_modules/ws'), path.join(stage, 'node_modules/ws'));

// Declarations for every packed module of ours and the runner, checked as the repository's
// tsconfig checks them; not for Emscripten's output (an X.js with its X.wasm), which has no JSDoc.
const ours = (/** @type {string} */ file) => file.endsWith('.js') && !files.includes(file.replace(/\.js$/, '.wasm'));
const sources = [...files.filter(ours), 'bin/sockbridge-run.js'].map((file) => path.join(stage, file));
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
execFileSync(process.execPath, [
  tsc, '--allowJs', '--checkJs', '--strict', '--declaration', '--emitDeclarationOnly', '--skipLibCheck',
  '--target', 'es2022', '--module', 'es2022', '--moduleResolution', 'bundler', '--lib', 'es2022,dom',
  '--types', 'node', '--typeRoots', path.join(root, 'node_modules/@types'),
  '--rootDir', stage, '--outDir', path.join(stage, 'types'), ...sources,
], { stdio: 'inherit', cwd: root });

for (const stale of fs.readdirSync(out).filter((name) => name.endsWith('.tgz'))) fs.rmSync(path.join(out, stale));
execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: stage, stdio: 'ignore' });
if (!fs.existsSync(tarball)) throw new Error(`npm pack did not write ${tarball}`);
fs.writeFileSync(stampFile, stamp);
process.stdout.write(`npm package: ${tarball} (${fs.statSync(tarball).size} bytes)\n`);
