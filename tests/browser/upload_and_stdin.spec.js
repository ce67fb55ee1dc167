// Uploading your own .wasm and typing into its stdin through the terminal:
// stdin_echo (tests/guest/stdin_echo.c) echoes each line it reads.
import path from 'node:path';

import { expect, siteDir, test } from './fixtures.js';

/** The built stdin_echo guest for this project's blocking mode. @param {string} blocking */
const stdinEcho = (blocking) => path.join(siteDir, 'guests', blocking === 'asyncify' ? 'stdin_echo.asyncify.wasm' : 'stdin_echo.wasm');

/**
 * A hand-assembled module whose _start executes `unreachable`: the smallest
 * program that traps. Sections: type () → (), one function, one page of
 * memory, exports "_start" and "memory", code { unreachable }.
 */
const TRAPPING_WASM = Buffer.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
  0x03, 0x02, 0x01, 0x00,
  0x05, 0x03, 0x01, 0x00, 0x01,
  0x07, 0x13, 0x02, 0x06, ...Buffer.from('_start'), 0x00, 0x00, 0x06, ...Buffer.from('memory'), 0x02, 0x00,
  0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b,
]);

/** Opens the page on "upload" and chooses a file. */
async function upload(page, openDemo, relay, file) {
  await openDemo(relay.url, { demo: 'upload', args: '' });
  await expect(page.getByLabel('WebAssembly file')).toBeVisible();
  await page.getByLabel('WebAssembly file').setInputFiles(file);
}

test('an uploaded program reads the lines typed into the terminal until Ctrl-D', async ({ page, openDemo, relay, blocking }) => {
  await upload(page, openDemo, relay, stdinEcho(blocking));
  await page.getByRole('button', { name: 'Run' }).click();
  const terminal = page.locator('#output');
  await expect(terminal).toContainText('stdin_echo: type a line');
  // Run puts the keyboard focus in the terminal: typing goes to the program.
  await page.keyboard.type('hellp');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('o from the keyboard');
  await expect(terminal).toContainText('hello from the keyboard');
  await expect(terminal).not.toContainText('echo: hello');  // nothing is sent before Enter
  await page.keyboard.press('Enter');
  await expect(terminal).toContainText('echo: hello from the keyboard');
  await page.keyboard.type('second line');
  await page.keyboard.press('Enter');
  await expect(terminal).toContainText('echo: second line');
  await expect(page.locator('#exit-code')).toHaveText('running…');
  await page.keyboard.press('Control+D');
  await expect(terminal).toContainText('stdin closed after 2 lines');
  await expect(page.locator('#exit-code')).toHaveText('exit code 0');
});

test('Ctrl-C in the terminal stops a program waiting for input', async ({ page, openDemo, relay, blocking }) => {
  await upload(page, openDemo, relay, stdinEcho(blocking));
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('#output')).toContainText('stdin_echo: type a line');
  await page.keyboard.press('Control+C');
  await expect(page.locator('#exit-code')).toHaveText('stopped');
  await expect(page.getByRole('button', { name: 'Run' })).toBeEnabled();
});

test('uploading a file that is not WebAssembly says so', async ({ page, openDemo, relay }) => {
  await upload(page, openDemo, relay, { name: 'notes.wasm', mimeType: 'application/wasm', buffer: Buffer.from('just some text\n') });
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('#output')).toContainText('That file is not a WebAssembly program');
  await expect(page.locator('#exit-code')).toHaveText('failed to run');
});

test('an uploaded program that traps is reported with the trap message', async ({ page, openDemo, relay, blocking }) => {
  await upload(page, openDemo, relay, { name: 'trap.wasm', mimeType: 'application/wasm', buffer: TRAPPING_WASM });
  await page.getByRole('button', { name: 'Run' }).click();
  const terminal = page.locator('#output');
  if (blocking === 'asyncify') {
    // Without JSPI an upload must be an Asyncify build; this one is not.
    await expect(terminal).toContainText('Upload its Asyncify build instead');
  } else {
    await expect(terminal).toContainText('trap crashed: the WebAssembly engine stopped it with a trap (unreachable');
  }
  await expect(page.locator('#exit-code')).toHaveText('failed to run');
});

test('Run without a chosen file asks for one', async ({ page, openDemo, relay }) => {
  await openDemo(relay.url, { demo: 'upload' });
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.locator('#guest-note')).toHaveText('Choose a .wasm file first.');
  await expect(page.getByLabel('WebAssembly file')).toBeFocused();
});
