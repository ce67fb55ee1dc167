// How a run's failures cross a Web Worker boundary (shim-js/src/errors.js):
// each class a page tests with instanceof comes back as that class, with its
// fields, after the record went through structured clone as postMessage does
// it; and the one rule for a guest's Asyncify build and program name.
import assert from 'node:assert/strict';
import test from 'node:test';

import { AsyncifyBuildRequired, GuestLoadError, RunAborted, fromRecord, toRecord } from '../../shim-js/src/errors.js';
import { asyncifyVariant, programNameOf } from '../../shim-js/src/loader.js';

/** @param {unknown} error */
const acrossTheBoundary = (error) => fromRecord(structuredClone(toRecord(error)));

test('a missing guest comes back as GuestLoadError with its URL and HTTP status', () => {
  const back = acrossTheBoundary(new GuestLoadError('http://127.0.0.1:1/guests/gone.wasm', 404));
  assert.ok(back instanceof GuestLoadError);
  assert.equal(back.url, 'http://127.0.0.1:1/guests/gone.wasm');
  assert.equal(back.status, 404);
  assert.equal(back.message, 'could not load guest http://127.0.0.1:1/guests/gone.wasm: HTTP 404');
});

test('AsyncifyBuildRequired and RunAborted keep their classes', () => {
  assert.ok(acrossTheBoundary(new AsyncifyBuildRequired()) instanceof AsyncifyBuildRequired);
  const aborted = acrossTheBoundary(new RunAborted('run aborted'));
  assert.ok(aborted instanceof RunAborted);
  assert.equal(`${aborted.constructor.name}: ${aborted.message}`, 'RunAborted: run aborted');
});

test('engine errors come back as WebAssembly.CompileError, LinkError and RuntimeError', async () => {
  const compile = await WebAssembly.compile(new Uint8Array([1, 2, 3])).catch((error) => error);
  assert.ok(acrossTheBoundary(compile) instanceof WebAssembly.CompileError);
  assert.ok(acrossTheBoundary(new WebAssembly.LinkError('import missing')) instanceof WebAssembly.LinkError);
  const trap = acrossTheBoundary(new WebAssembly.RuntimeError('unreachable'));
  assert.ok(trap instanceof WebAssembly.RuntimeError);
  assert.equal(trap.message, 'unreachable');
});

test('anything else comes back as a plain Error with its message', () => {
  const back = acrossTheBoundary(new TypeError('bad argument'));
  assert.equal(back.constructor, Error);
  assert.equal(back.message, 'bad argument');
  assert.equal(acrossTheBoundary('a thrown string').message, 'a thrown string');
});

test('the Asyncify build sits beside the guest, with or without the .wasm suffix', () => {
  assert.equal(asyncifyVariant('guests/curl.wasm'), 'guests/curl.asyncify.wasm');
  assert.equal(asyncifyVariant('build/curl'), 'build/curl.asyncify.wasm');
  assert.equal(asyncifyVariant('guests/curl.asyncify.wasm'), 'guests/curl.asyncify.wasm');
  assert.equal(asyncifyVariant(new URL('http://h/guests/x.wasm')), 'http://h/guests/x.asyncify.wasm');
});

test('a program is named after its file, without .wasm or .asyncify.wasm', () => {
  assert.equal(programNameOf('/guests/http_client.wasm'), 'http_client');
  assert.equal(programNameOf('prog.asyncify.wasm'), 'prog');
  assert.equal(programNameOf(''), 'program');
});
