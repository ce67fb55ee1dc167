// The MkDocs integration (packaging/mkdocs/sockbridge_mkdocs.py): a sample
// docs site whose page holds a ```sockbridge-run block, built by Debian's
// mkdocs with the npm package's files (the package.build.npm fixture) in its
// docs, served by the real relay, and the example run by a click in Chromium.
// Run as `node --test tests/package/mkdocs.test.js` (ctest package.mkdocs).
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
const mkdocsEnv = { ...process.env, PYTHONPATH: path.join(root, 'packaging/mkdocs') };

// highlightjs off: the theme loads it from a CDN, out of reach here (the page would log hljs errors).
const CONFIG = `site_name: sockbridge sample docs
theme:
  name: mkdocs
  highlightjs: false
markdown_extensions:
  - sockbridge_mkdocs:
      package_url: /sockbridge/
      guests_url: /guests/
`;
// A page two levels down: the extension's URLs must not depend on the page's depth.
const PAGE = `# Fetching a page

The program below is C, built for wasm32-wasi; press Run and it fetches this
site's health check through the relay.

\`\`\`sockbridge-run rows=8
http_client {host} {port} /healthz
\`\`\`

An ordinary listing stays a listing:

\`\`\`c
int main(void) { return 0; }
\`\`\`
`;

/** @type {string} */
let work;
/** @type {Awaited<ReturnType<typeof startRelay>>} */
let relay;

/** mkdocs build --strict of the sample in `work`. */
function mkdocsBuild() {
  return run('mkdocs', ['build', '--strict', '--clean', '-f', path.join(work, 'mkdocs.yml'), '-d', path.join(work, 'site')],
    { cwd: work, env: mkdocsEnv });
}

before(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'sockbridge-mkdocs-'));
  const docs = path.join(work, 'docs');
  await fs.mkdir(path.join(docs, 'guide'), { recursive: true });
  await fs.writeFile(path.join(work, 'mkdocs.yml'), CONFIG);
  await fs.writeFile(path.join(docs, 'index.md'), '# Sample docs\n\n[Fetching a page](guide/fetch.md)\n');
  await fs.writeFile(path.join(docs, 'guide/fetch.md'), PAGE);
  // The package's web files, as the extension's docstring says: no node_modules, no README.md.
  const unpack = await run('tar', ['-xzf', npmTarball, '-C', work]);
  assert.equal(unpack.code, 0, unpack.output);
  await fs.rm(path.join(work, 'package/node_modules'), { recursive: true, force: true });
  await fs.rm(path.join(work, 'package/README.md'));
  await fs.rename(path.join(work, 'package'), path.join(docs, 'sockbridge'));
  await fs.mkdir(path.join(docs, 'guests'));
  for (const name of ['http_client.wasm', 'http_client.asyncify.wasm']) {
    await fs.copyFile(path.join(siteDir, 'guests', name), path.join(docs, 'guests', name));
  }
});

after(async () => {
  relay?.process.kill('SIGTERM');
  if (work) await fs.rm(work, { recursive: true, force: true });
});

test('mkdocs builds the sample with the extension: the block becomes <sockbridge-run>', async () => {
  const build = await mkdocsBuild();
  assert.equal(build.code, 0, build.output);
  const page = await fs.readFile(path.join(work, 'site/guide/fetch/index.html'), 'utf8');
  assert.match(page, /<script type="module" src="\/sockbridge\/sockbridge-run\.js"><\/script>/);
  assert.match(page, /<sockbridge-run src="\/guests\/http_client\.wasm" args="\{host\} \{port\} \/healthz" rows="8"><\/sockbridge-run>/);
  assert.match(page, /<code class="language-c">int main/);
  await fs.access(path.join(work, 'site/sockbridge/host/host.wasm'));
});

test('the example runs in Chromium from the built site', async () => {
  relay = await startRelay(['--dev'], path.join(work, 'site'));
  const browser = await chromium.launch({ executablePath: process.env.SOCKBRIDGE_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    /** @type {string[]} */
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${relay.url}/guide/fetch/`);
    const example = page.locator('sockbridge-run');
    await example.getByRole('button', { name: /^Run http_client/ }).click();
    await example.locator('.sbr-status').getByText('exit code 0').waitFor({ timeout: 30_000 });
    // The end of the response (eight rows: the status line has scrolled away) and the exit.
    assert.match(await example.innerText(), /Content-Length: 3\s+ok\s+\[http_client exited with code 0\]/);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('a block with an unknown option stops the build, naming it', async () => {
  await fs.writeFile(path.join(work, 'docs/guide/fetch.md'), '```sockbridge-run colour=red\nhttp_client\n```\n');
  const build = await mkdocsBuild();
  assert.notEqual(build.code, 0);
  assert.match(build.output, /sockbridge-run: unknown option 'colour=red'/);
});
