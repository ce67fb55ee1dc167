// Browser end-to-end tests in three engines, one set of specs: Debian's
// Chromium driven by Playwright, Firefox ESR over WebDriver BiDi and WebKitGTK
// over classic WebDriver (fixtures.js, engines/), against the real relay
// binary and real TCP servers on 127.0.0.1. Run through ctest, one test per
// spec and engine (CMakeLists.txt).
import { defineConfig } from '@playwright/test';

import { EXPECT_TIMEOUT_MS } from './engines/expect.js';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.js',
  timeout: 60_000,
  expect: { timeout: EXPECT_TIMEOUT_MS },
  workers: 2,
  reporter: [['list']],
  use: {
    // Chromium's; fixtures.js launches it (Firefox and WebKit: engines/).
    launchOptions: {
      executablePath: process.env.SOCKBRIDGE_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'off',
  },
  // Every spec runs with guests blocking through JSPI, and through Asyncify
  // (the path for browsers without JSPI), forced with ?blocking=; WebKit has
  // no JSPI, so Asyncify only. A project is <engine>-<blocking>.
  projects: [
    { name: 'chromium-jspi', use: { engine: 'chromium', blocking: 'jspi' } },
    { name: 'chromium-asyncify', use: { engine: 'chromium', blocking: 'asyncify' } },
    { name: 'firefox-jspi', use: { engine: 'firefox', blocking: 'jspi' } },
    { name: 'firefox-asyncify', use: { engine: 'firefox', blocking: 'asyncify' } },
    { name: 'webkit-asyncify', use: { engine: 'webkit', blocking: 'asyncify' } },
  ],
});
