// The npm package as a user gets it: the tarball the package.npm fixture made
// (packaging/npm/pack.mjs), installed offline into a fresh directory with an
// empty npm cache, then (1) its `sockbridge-run` bin runs a guest under Node
// through the real relay, (2) a TypeScript program type-checks against its
// declarations (and a wrong one does not), (3) a plain HTML page loads it by
// an import map and runs a guest in <sockbridge-run> in Chromium.
// Run as `node --test tests/package/npm.test.js` (ctest package.npm).
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { siteDir, startRelay } from '../browser/fixtures.js';
import { packageFile, run } from './package_fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const npmTarball = packageFile('npm', '.tgz');
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');

/** @type {string} */
let consumer;
/** @type {Awaited<ReturnType<typeof startRelay>>} */
let relay;

before(async () => {
  consumer = await fs.mkdtemp(path.join(os.tmpdir(), 'sockbridge-npm-'));
  await fs.writeFile(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const install = await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--cache', path.join(consumer, '.npm-cache'), npmTarball],
    { cwd: consumer });
  assert.equal(install.code, 0, `npm install of ${npmTarball} failed:\n${install.output}`);
  // The page and its guest; the relay serves this directory, node_modules included.
  await fs.mkdir(path.join(consumer, 'guests'));
  for (const name of ['http_client.wasm', 'http_client.asyncify.wasm']) {
    await fs.copyFile(path.join(siteDir, 'guests', name), path.join(consumer, 'guests', name));
  }
  await fs.writeFile(path.join(consumer, 'index.html'), PAGE);
  relay = await startRelay(['--dev'], consumer);
});

after(async () => {
  relay?.process.kill('SIGTERM');
  if (consumer) await fs.rm(consumer, { recursive: true, force: true });
});

test('the installed bin runs a guest under Node through the relay', async () => {
  const bin = path.join(consumer, 'node_modules/.bin/sockbridge-run');
  const guest = path.join(consumer, 'guests/http_client.wasm');
  const result = await run(bin, [guest, '127.0.0.1', String(relay.port), '/index.html', '--relay', `ws://127.0.0.1:${relay.port}/wisp/`],
    { cwd: consumer });
  assert.equal(result.code, 0, result.output);
  assert.match(result.stdout, /^HTTP\/1\.1 200 OK\r\n/);
  assert.ok(result.stdout.endsWith(PAGE), 'the guest received another index.html');
});

test('a TypeScript program type-checks against the declarations, and a wrong call does not', async () => {
  const tsconfig = {
    compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022',
      lib: ['es2022', 'dom'], types: [] },
  };
  await fs.writeFile(path.join(consumer, 'tsconfig.json'), JSON.stringify({ ...tsconfig, files: ['main.ts'] }));
  await fs.writeFile(path.join(consumer, 'main.ts'), [
    "import { run, type RunOptions } from 'sockbridge';",
    "import { RelayConnection } from 'sockbridge/relay_connection';",
    "import { SockbridgeRun } from 'sockbridge/sockbridge-run';",
    "const relay = new RelayConnection('ws://127.0.0.1:8080/wisp/');",
    "const options: RunOptions = { guest: 'prog.wasm', args: ['example.org'], relay, blocking: 'jspi' };",
    'const code: number = await run({ ...options, stdout: (bytes: Uint8Array) => console.log(bytes.length) });',
    'relay.dispose();',
    "const element: SockbridgeRun = document.createElement('sockbridge-run') as SockbridgeRun;",
    "element.files = { '/etc/app.conf': 'port=8080\\n' };",
    'console.log(code);',
    '',
  ].join('\n'));
  const good = await run(process.execPath, [tsc, '-p', consumer], { cwd: consumer });
  assert.equal(good.code, 0, `tsc rejected a correct program:\n${good.output}`);

  await fs.writeFile(path.join(consumer, 'tsconfig.json'), JSON.stringify({ ...tsconfig, files: ['wrong.ts'] }));
  await fs.writeFile(path.join(consumer, 'wrong.ts'), "import { run } from 'sockbridge';\nawait run({ guest: 'prog.wasm', relay: 8080 });\n");
  const wrong = await run(process.execPath, [tsc, '-p', consumer], { cwd: consumer });
  assert.notEqual(wrong.code, 0, 'tsc accepted a relay given as a number: the declarations type nothing');
  assert.match(wrong.output, /wrong\.ts\(2,\d+\): error TS2322: Type 'number' is not assignable/);
});

test('a plain HTML page imports the package by an import map and runs a guest in Chromium', async () => {
  const browser = await chromium.launch({ executablePath: process.env.SOCKBRIDGE_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    /** @type {string[]} */
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${relay.url}/index.html`);
    const element = page.locator('sockbridge-run');
    await element.getByRole('button', { name: /^Run http_client/ }).click();
    await element.locator('.sbr-status').getByText('exit code 0').waitFor({ timeout: 30_000 });
    assert.match(await element.innerText(), /HTTP\/1\.1 200 OK/);
    assert.deepEqual(errors, []);
    // What the import map named: the embed API, typed by the package's own module.
    assert.equal(await page.evaluate(() => /** @type {any} */ (window).sockbridgeRun), 'function');
  } finally {
    await browser.close();
  }
});

// The page a user writes: nothing but the import map, the element and its arguments.
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>sockbridge from npm</title>
<script type="importmap">
{ "imports": { "sockbridge": "./node_modules/sockbridge/shim-js/src/embed.js",
               "sockbridge/": "./node_modules/sockbridge/" } }
</script>
<script type="module">
  import { run } from 'sockbridge';
  import 'sockbridge/sockbridge-run.js';
  window.sockbridgeRun = typeof run;
</script>
</head>
<body>
<sockbridge-run src="guests/http_client.wasm" args="{host} {port} /healthz"></sockbridge-run>
</body>
</html>
`;
