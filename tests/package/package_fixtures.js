// What the package tests share: where the packaging fixtures (tests/package/
// CMakeLists.txt) put their packages, and a command runner.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const buildDir = process.env.SOCKBRIDGE_BUILD_DIR ?? path.join(root, 'build');
export const packagingDir = path.join(buildDir, 'packaging');

/**
 * The one file in packaging/DIR whose name ends with SUFFIX (each packer removes its stale ones).
 * @param {string} dir @param {string} suffix @returns {string}
 */
export function packageFile(dir, suffix) {
  const where = path.join(packagingDir, dir);
  const found = fs.existsSync(where) ? fs.readdirSync(where).filter((name) => name.endsWith(suffix)) : [];
  if (found.length !== 1) throw new Error(`expected one *${suffix} in ${where} (made by the package.* fixtures), found ${found.length}`);
  return path.join(where, found[0]);
}

/**
 * Runs a command to completion; never rejects.
 * @param {string} file @param {string[]} args @param {import('node:child_process').ExecFileOptions} [options]
 * @returns {Promise<{ code: number, stdout: string, stderr: string, output: string }>}
 */
export function run(file, args, options = {}) {
  return new Promise((resolve) => {
    execFile(file, args, { maxBuffer: 64 << 20, encoding: 'utf8', ...options }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 127) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr), output: `${stdout}${stderr}` });
    });
  });
}
