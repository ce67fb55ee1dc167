// Builds the third-party programs of thirdparty.test.js with the guest SDK,
// from the Debian sources scripts/thirdparty-sources cached (no network here).
// Each build runs in a fresh copy of the source under build/thirdparty/NAME
// with exactly the commands guest/README.md documents, and is redone only
// when the source, the recipe or the SDK (wrapper, headers, libc) changed.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const buildDir = process.env.SOCKBRIDGE_BUILD_DIR ?? path.join(root, 'build');
const sdkBin = path.join(root, 'guest', 'bin');
const libc = path.join(buildDir, 'guest', 'guest', 'libsockbridge_libc.a');
export const sourcesDir =
  process.env.SOCKBRIDGE_THIRDPARTY_SOURCES ??
  path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'sockbridge', 'debian-sources');

/**
 * How each program is built: commands run in order in the copied source tree,
 * with guest/bin first on PATH. No source file is touched.
 * @type {Record<string, { commands: string[][], outputs: string[] }>}
 */
export const recipes = {
  // A plain Makefile: the compiler, archiver and ranlib are the only changes.
  tcputils: {
    commands: [['make', 'CC=sockbridge-cc', 'AR=sockbridge-ar', 'RANLIB=sockbridge-ranlib', 'tcpconnect', 'tcplisten']],
    outputs: ['tcpconnect', 'tcplisten'],
  },
  // config.mk points INCS/LIBS at the build machine's /usr/include and /usr/lib; a
  // cross build clears them, as its README's "Customize below to fit your system" invites.
  sic: {
    commands: [['make', 'CC=sockbridge-cc', 'INCS=-I.', 'LIBS=']],
    outputs: ['sic'],
  },
  // autoconf: config.sub/config.guess from 2006 predate WASI, so they are refreshed
  // from autotools-dev first, as Debian's own build does (dh_update_autotools_config).
  netrw: {
    commands: [
      ['cp', '/usr/share/misc/config.sub', '/usr/share/misc/config.guess', '.'],
      ['env', 'CC=sockbridge-cc', 'AR=sockbridge-ar', 'RANLIB=sockbridge-ranlib',
        './configure', '--host=wasm32-unknown-wasi'],
      ['make'],
    ],
    outputs: ['src/netread', 'src/netwrite'],
  },
};

/** Every file under dir, sorted, for hashing. @param {string} dir @returns {string[]} */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile())
    .sort();
}

/** What a build depends on, as one digest. @param {string} name */
function buildKey(name) {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(recipes[name]));
  hash.update(readFileSync(path.join(sourcesDir, name, '.sockbridge-source')));
  for (const file of [...filesUnder(sdkBin), ...filesUnder(path.join(root, 'guest', 'include')), libc]) {
    hash.update(file);
    hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}

/**
 * Builds name (or reuses the last build) and resolves to the directory holding its outputs.
 * @param {string} name  a key of recipes
 * @returns {Promise<string>}
 */
export async function buildThirdParty(name) {
  const source = path.join(sourcesDir, name);
  if (!existsSync(path.join(source, '.sockbridge-source')))
    throw new Error(`${source} is missing: run scripts/bootstrap (it calls scripts/thirdparty-sources)`);
  if (!existsSync(libc)) throw new Error(`${libc} is missing: build the project first`);
  const work = path.join(buildDir, 'thirdparty', name);
  const stamp = path.join(work, '.sockbridge-build');
  const key = buildKey(name);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === key) return work;

  rmSync(work, { recursive: true, force: true });
  cpSync(source, work, { recursive: true });
  const env = { ...process.env, PATH: `${sdkBin}:${process.env.PATH}`, SOCKBRIDGE_LIBC: libc };
  const log = [];
  for (const [command, ...args] of recipes[name].commands) {
    try {
      const { stdout, stderr } = await run(command, args, { cwd: work, env, maxBuffer: 64 << 20 });
      log.push(stdout, stderr);
    } catch (error) {
      const failed = /** @type {{ stdout?: string, stderr?: string }} */ (error);
      throw new Error(`${name}: ${command} ${args.join(' ')} failed:\n${log.join('')}${failed.stdout}${failed.stderr}`);
    }
  }
  for (const output of recipes[name].outputs)
    if (!existsSync(path.join(work, `${output}.asyncify.wasm`))) throw new Error(`${name}: ${output} was not built`);
  writeFileSync(stamp, key);
  return work;
}

// Run directly (ctest's node.thirdparty_build, the fixture node.thirdparty
// requires), it builds every program, so the test itself only runs them.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = Object.keys(recipes);
  const dirs = await Promise.all(names.map((name) => buildThirdParty(name)));
  names.forEach((name, i) => console.log(`${name}: ${dirs[i]}`));
}
