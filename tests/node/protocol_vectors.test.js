// The golden Wisp vectors (protocol/vectors/) read by the stock Wisp packet
// parser of @mercuryworkshop/wisp-js: every valid CONNECT, DATA, CONTINUE,
// CLOSE and INFO file parses to the fields vectors.json gives, so our bytes are
// the bytes other Wisp implementations expect. (Extension packets 0x80 and up
// are sockbridge's own; wisp-js does not know them.)
import { packet } from '@mercuryworkshop/wisp-js/client';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const vectorsDir = new URL('../../protocol/vectors/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('vectors.json', vectorsDir), 'utf8'));
const { packet_types: packetTypes, close_reasons: closeReasons, stream_types: streamTypes } = manifest.tables;
const wispTypes = ['connect', 'data', 'continue', 'close', 'info'];

/** @param {Uint8Array} bytes */
const hex = (bytes) => Buffer.from(bytes).toString('hex');

/** INFO extension records as Wisp lays them out: {u8 id, u32 length, metadata}. */
function extensionRecords(extensions) {
  const parts = extensions.map(({ id, metadata_hex: metadataHex }) => {
    const metadata = Buffer.from(metadataHex, 'hex');
    const header = Buffer.alloc(5);
    header.writeUInt8(id, 0);
    header.writeUInt32LE(metadata.length, 1);
    return Buffer.concat([header, metadata]);
  });
  return Buffer.concat(parts);
}

/** The payload fields wisp-js parsed, in the manifest's terms. */
const expectedPayload = {
  connect: (fields) => ({
    stream_type: streamTypes[fields.stream_type],
    port: fields.port,
    hostname: fields.hostname,
  }),
  data: (fields) => ({ data: fields.data_hex }),
  continue: (fields) => ({ buffer_remaining: fields.buffer_remaining }),
  close: (fields) => ({ reason: closeReasons[fields.reason] }),
  info: (fields) => ({
    major_ver: fields.major,
    minor_ver: fields.minor,
    extensions: hex(extensionRecords(fields.extensions)),
  }),
};

const parsedPayload = {
  connect: (p) => ({ stream_type: p.stream_type, port: p.port, hostname: p.hostname }),
  data: (p) => ({ data: hex(p.data.bytes) }),
  continue: (p) => ({ buffer_remaining: p.buffer_remaining }),
  close: (p) => ({ reason: p.reason }),
  info: (p) => ({ major_ver: p.major_ver, minor_ver: p.minor_ver, extensions: hex(p.extensions.bytes) }),
};

const validWispVectors = manifest.vectors.filter((v) => v.fields && wispTypes.includes(v.type));

test('the manifest has valid vectors for every Wisp packet type', () => {
  assert.deepEqual(new Set(validWispVectors.map((v) => v.type)), new Set(wispTypes));
});

for (const vector of validWispVectors) {
  test(`wisp-js parses ${vector.file} to the manifest's fields`, () => {
    const bytes = new Uint8Array(readFileSync(new URL(vector.file, vectorsDir)));
    const parsed = packet.WispPacket.parse_all(new packet.WispBuffer(bytes));
    assert.equal(parsed.type, packetTypes[vector.type]);
    assert.equal(parsed.stream_id, vector.stream_id);
    assert.deepEqual(parsedPayload[vector.type](parsed.payload), expectedPayload[vector.type](vector.fields));
  });
}
