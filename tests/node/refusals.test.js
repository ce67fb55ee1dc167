// shim-js/src/refusals.js: relay frames that refuse something on policy
// grounds become sentences; every other frame is left alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { describeRefusal } from '../../shim-js/src/refusals.js';

/** A Wisp message: type, u32 little-endian stream id, payload. */
const frame = (/** @type {number} */ type, /** @type {number[]} */ payload) => Uint8Array.from([type, 7, 0, 0, 0, ...payload]);

test('CLOSE blocked names the policy and what a relay without --dev refuses', () => {
  const text = describeRefusal(frame(0x04, [0x48]));
  assert.match(text ?? '', /^the relay's policy refused a connection \(close reason 0x48 "blocked"/);
  assert.match(text ?? '', /without --dev refuses loopback/);
});

test('CLOSE throttled and RESOLVED blocked are explained too', () => {
  assert.match(describeRefusal(frame(0x04, [0x49])) ?? '', /limits was reached \(close reason 0x49 "throttled"\)/);
  assert.match(describeRefusal(frame(0x82, [0x48, 0])) ?? '', /^the relay's policy refused to resolve a name/);
});

test('ordinary frames are not refusals', () => {
  assert.equal(describeRefusal(frame(0x04, [0x02])), null, 'CLOSE voluntary');
  assert.equal(describeRefusal(frame(0x04, [0x44])), null, 'CLOSE refused: the guest reports it itself');
  assert.equal(describeRefusal(frame(0x02, [0x48, 0x48])), null, 'DATA that happens to start with 0x48');
  assert.equal(describeRefusal(frame(0x82, [0x00, 0])), null, 'RESOLVED success');
  assert.equal(describeRefusal(Uint8Array.from([0x04, 7, 0, 0, 0])), null, 'CLOSE without a reason byte');
});

test('a refused login says what to pass, and which reason the relay gave', () => {
  const session = (/** @type {number} */ reason) => Uint8Array.from([0x04, 0, 0, 0, 0, reason]);
  assert.match(describeRefusal(session(0xc2)) ?? '', /requires a login \(close reason 0xc2 "authentication required"\)/);
  assert.match(describeRefusal(session(0xc2)) ?? '', /relayAuth: \{ username, password \}/);
  assert.match(describeRefusal(session(0xc0)) ?? '', /refused the login \(close reason 0xc0/);
});
