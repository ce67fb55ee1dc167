// The imports that may suspend a guest are listed twice: in shim-js (which
// wraps them for JSPI and Asyncify) and in the SDK's asyncify-imports file
// (which wasm-opt --asyncify instruments). A call missing from either side
// would trap or hang a guest only in one blocking mode; this keeps them equal.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { BLOCKING } from '../../shim-js/src/imports.js';

test('the Asyncify import list is exactly the imports shim-js lets block', () => {
  const file = new URL('../../guest/share/sockbridge/asyncify-imports', import.meta.url);
  const listed = readFileSync(file, 'utf8').split('\n').filter(Boolean).sort();
  const blocking = Object.entries(BLOCKING)
    .flatMap(([module, names]) => Object.keys(names).map((name) => `${module}.${name}`))
    .sort();
  assert.deepEqual(listed, blocking);
});
