// shim-js/src/wisp.js against the golden vectors (protocol/vectors/): its
// packet type and close reason tables are the manifest's, and it reads and
// rewrites the stream ids of the real frames as the manifest describes them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import {
  CLOSE_REASONS,
  PACKET_TYPES,
  acceptedStreamId,
  encodeClose,
  infoExtensionIds,
  readHeader,
  withStreamIds,
} from '../../shim-js/src/wisp.js';

const vectorsDir = new URL('../../protocol/vectors/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('vectors.json', vectorsDir), 'utf8'));
/** @param {string} file */
const bytes = (file) => new Uint8Array(readFileSync(new URL(file, vectorsDir)));
const valid = manifest.vectors.filter((v) => v.fields);

test('the packet type table is the manifest\'s, and every type says what its stream id names', () => {
  const values = Object.fromEntries(Object.entries(PACKET_TYPES).map(([name, { value }]) => [name, value]));
  assert.deepEqual(values, manifest.tables.packet_types);
  for (const [name, { role }] of Object.entries(PACKET_TYPES))
    assert.ok(['session', 'opens', 'stream', 'closes', 'asks', 'answers', 'accepts'].includes(role), name);
});

test('the close reason table is the manifest\'s', () => {
  assert.deepEqual({ ...CLOSE_REASONS }, manifest.tables.close_reasons);
});

for (const vector of valid) {
  test(`readHeader reads ${vector.file} as ${vector.type} on stream ${vector.stream_id}`, () => {
    const header = readHeader(bytes(vector.file));
    assert.equal(header?.name, vector.type);
    assert.equal(header?.streamId, vector.stream_id);
  });
}

test('readHeader: no header in a frame too short for one; unknown types have no name', () => {
  for (const vector of manifest.vectors.filter((v) => v.error === 'frame_too_short'))
    assert.equal(readHeader(bytes(vector.file)), null, vector.file);
  for (const vector of manifest.vectors.filter((v) => v.error === 'unknown_packet_type')) {
    const header = readHeader(bytes(vector.file));
    assert.equal(header?.name, undefined, vector.file);
    assert.equal(header?.role, undefined, vector.file);
  }
});

test('acceptedStreamId reads the new stream of every ACCEPTED vector; none in a truncated one', () => {
  const accepted = valid.filter((v) => v.type === 'accepted');
  assert.ok(accepted.length >= 2);
  for (const vector of accepted) assert.equal(acceptedStreamId(bytes(vector.file)), vector.fields.stream_id);
  assert.equal(acceptedStreamId(bytes('malformed/accepted_truncated_stream_id.bin')), null);
});

test('withStreamIds rewrites the ids of a copy and leaves the payload and the original alone', () => {
  const original = bytes('accepted_ipv6.bin');
  const rewritten = withStreamIds(original, 0x01020304, 0x80000009);
  assert.equal(readHeader(rewritten)?.streamId, 0x01020304);
  assert.equal(acceptedStreamId(rewritten), 0x80000009);
  assert.deepEqual(rewritten.subarray(9), original.subarray(9));
  assert.equal(readHeader(original)?.streamId, 13);
  assert.equal(acceptedStreamId(original), 0x80000002);

  const data = bytes('data_text.bin');
  assert.deepEqual(withStreamIds(data, 1), data, 'same id, same bytes');
});

test('encodeClose writes the vectors\' CLOSE bytes', () => {
  assert.deepEqual(encodeClose(1, CLOSE_REASONS.voluntary), bytes('close_voluntary.bin'));
  assert.deepEqual(encodeClose(0, CLOSE_REASONS.invalid_info), bytes('close_session_invalid_info.bin'));
});

test('infoExtensionIds lists the extensions of every INFO vector, and only whole records', () => {
  for (const vector of valid.filter((v) => v.type === 'info'))
    assert.deepEqual(infoExtensionIds(bytes(vector.file)), vector.fields.extensions.map((/** @type {any} */ e) => e.id), vector.file);
  assert.deepEqual(infoExtensionIds(bytes('malformed/info_extension_length_past_end.bin')), []);
});
