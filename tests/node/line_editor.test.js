// The page terminal's line discipline (web/demo/static/line_editor.js) and its
// stdin queue: what a person types becomes the guest's stdin line by line.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { InputQueue } from '../../web/demo/static/input_queue.js';
import { LineEditor } from '../../web/demo/static/line_editor.js';

test('typed keys are echoed and Enter hands over the line with a newline', () => {
  const editor = new LineEditor();
  assert.deepEqual(editor.input('hi'), { echo: 'hi', lines: [], endOfFile: false, interrupt: false });
  assert.deepEqual(editor.input('\r'), { echo: '\r\n', lines: ['hi\n'], endOfFile: false, interrupt: false });
});

test('backspace removes one whole character, including one outside the BMP', () => {
  const editor = new LineEditor();
  editor.input('ab😀');
  assert.equal(editor.input('\x7f').echo, '\b \b');
  assert.deepEqual(editor.input('\r').lines, ['ab\n']);
  assert.equal(editor.input('\x7f').echo, '', 'backspace on an empty line does nothing');
});

test('a pasted block of lines becomes several lines', () => {
  assert.deepEqual(new LineEditor().input('one\rtwo\rthr').lines, ['one\n', 'two\n']);
});

test('Ctrl-D on an empty line is end of file; with text typed it sends the text without a newline', () => {
  const editor = new LineEditor();
  assert.equal(editor.input('\x04').endOfFile, true);
  const partial = new LineEditor().input('abc\x04');
  assert.deepEqual(partial.lines, ['abc']);
  assert.equal(partial.endOfFile, false);
});

test('Ctrl-C asks for an interrupt and drops the line; Ctrl-U clears it; escape sequences are ignored', () => {
  const editor = new LineEditor();
  assert.equal(editor.input('abc\x03').interrupt, true);
  assert.deepEqual(editor.input('\r').lines, ['\n']);
  editor.input('xy\x15');
  assert.deepEqual(editor.input('\x1b[A\r').lines, []);
  assert.deepEqual(editor.input('z\r').lines, ['z\n']);
});

test('the input queue yields chunks as they are pushed and ends after end()', async () => {
  const queue = new InputQueue();
  const received = [];
  const reading = (async () => {
    for await (const chunk of queue) received.push(chunk);
  })();
  queue.push('first\n');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(received, ['first\n']);
  queue.push('second\n');
  queue.end();
  queue.push('ignored after end\n');
  await reading;
  assert.deepEqual(received, ['first\n', 'second\n']);
});
