// Browser end-to-end tests: Debian's Chromium driven by Playwright, against the
// real relay binary and real TCP servers on 127.0.0.1. Run through ctest.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.js',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 2,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
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
  // Every spec runs twice: guests blocking through JSPI, and through Asyncify
  // (the path for browsers without JSPI), forced with ?blocking=.
  projects: [
    { name: 'jspi', use: { blocking: 'jspi' } },
    { name: 'asyncify', use: { blocking: 'asyncify' } },
  ],
});
