// shim-js/src/relay_info.js: the relay's MOTD read from its INFO, checked on
// the golden vectors (protocol/vectors/) and on frames that are not INFO or
// are cut short.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { relayMotd } from '../../shim-js/src/relay_info.js';

const vector = (/** @type {string} */ file) =>
  new Uint8Array(readFileSync(new URL(`../../protocol/vectors/${file}`, import.meta.url)));

test('the MOTD of a relay INFO is its text', () => {
  assert.equal(relayMotd(vector('info_v2_relay_offer_all.bin')), 'Welcome to the test relay: be kind.');
  assert.equal(relayMotd(vector('info_v2_extension_metadata.bin')), 'hi');
});

test('an INFO without a MOTD, or any other frame, has none', () => {
  assert.equal(relayMotd(vector('info_v2_relay_offer.bin')), null);
  assert.equal(relayMotd(vector('close_blocked.bin')), null);
  assert.equal(relayMotd(vector('data_text.bin')), null);
});

test('a MOTD record running past the frame is ignored', () => {
  const whole = vector('info_v2_relay_offer_all.bin');
  assert.equal(relayMotd(whole.subarray(0, 30)), null);
  assert.equal(relayMotd(vector('malformed/info_extension_length_past_end.bin')), null);
});
