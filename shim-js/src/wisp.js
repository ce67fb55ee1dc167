// wisp: the few facts about Wisp frames that JavaScript needs — the packet type
// and close reason tables, and reading or rewriting a frame's stream ids. The
// definition is the C++ codec (protocol/include/sockbridge/protocol/wisp.hpp,
// SB_PACKET_TYPES and SB_CLOSE_REASONS); these tables repeat it and
// tests/node/wisp.test.js checks them against protocol/vectors/vectors.json.
// Payloads stay opaque except where a stream id lives in one (ACCEPTED).

/** Bytes before the payload: u8 packet type, u32 stream id (little-endian). */
export const HEADER_BYTES = 5;
/** Stream 0 is the session itself (INFO, the initial CONTINUE, session CLOSE). */
export const SESSION_STREAM_ID = 0;
/** Ids the relay creates (accepted connections) have this bit set; clients use the rest. */
export const RELAY_STREAM_ID_BIT = 0x80000000;
/** Largest client-chosen stream id. */
export const MAX_CLIENT_STREAM_ID = RELAY_STREAM_ID_BIT - 1;

/**
 * What a packet's stream id names, which is all a shared relay connection
 * (stream_mux.js) needs to know to map it between kernels and the wire:
 * - `session`: only ever on stream 0
 * - `opens`: a new stream, with an id the client chose
 * - `stream`: an open stream
 * - `closes`: an open stream, which ends with this packet
 * - `asks`: a request id from the client's id space that never becomes a stream
 * - `answers`: that request id, answered for good
 * - `accepts`: the listener's stream; the payload starts with the id (relay's
 *   id space) of the new stream, which is open from then on
 * A new per-stream packet type is one line here, with role `stream`.
 * @typedef {'session' | 'opens' | 'stream' | 'closes' | 'asks' | 'answers' | 'accepts'} StreamIdRole
 */

/**
 * SB_PACKET_TYPES: name → value and the role of its stream id.
 * @type {Readonly<Record<string, { value: number, role: StreamIdRole }>>}
 */
export const PACKET_TYPES = Object.freeze({
  connect: { value: 0x01, role: 'opens' },
  data: { value: 0x02, role: 'stream' },
  continue: { value: 0x03, role: 'stream' },
  close: { value: 0x04, role: 'closes' },
  info: { value: 0x05, role: 'session' },
  connected: { value: 0x80, role: 'stream' },
  resolve: { value: 0x81, role: 'asks' },
  resolved: { value: 0x82, role: 'answers' },
  listen: { value: 0x83, role: 'opens' },
  accepted: { value: 0x84, role: 'accepts' },
  shutdown: { value: 0x85, role: 'stream' },
  window_update: { value: 0x86, role: 'stream' },
  udp_bind: { value: 0x87, role: 'opens' },
  datagram: { value: 0x88, role: 'stream' },
});

/** SB_CLOSE_REASONS: name → value. @type {Readonly<Record<string, number>>} */
export const CLOSE_REASONS = Object.freeze({
  unspecified: 0x01,
  voluntary: 0x02,
  network_error: 0x03,
  incompatible_extensions: 0x04,
  invalid_info: 0x41,
  unreachable: 0x42,
  connect_timeout: 0x43,
  refused: 0x44,
  transfer_timeout: 0x47,
  blocked: 0x48,
  throttled: 0x49,
  client_error: 0x81,
  auth_bad_password: 0xc0,
  auth_bad_signature: 0xc1,
  auth_required: 0xc2,
  address_in_use: 0x90,
  address_not_available: 0x91,
  name_not_found: 0x92,
  connection_reset: 0x93,
});

/** @type {ReadonlyMap<number, { name: string, role: StreamIdRole }>} */
const PACKETS_BY_VALUE = new Map(Object.entries(PACKET_TYPES).map(([name, { value, role }]) => [value, { name, role }]));

/**
 * A frame's header.
 * @typedef {object} FrameHeader
 * @property {number} type        packet type byte
 * @property {string | undefined} name  its name in PACKET_TYPES (undefined: not a known type)
 * @property {StreamIdRole | undefined} role
 * @property {number} streamId
 */

/** @param {Uint8Array} frame */
const view = (frame) => new DataView(frame.buffer, frame.byteOffset, frame.byteLength);

/**
 * Reads a frame's header; null if the frame is shorter than one.
 * @param {Uint8Array} frame  one WebSocket message
 * @returns {FrameHeader | null}
 */
export function readHeader(frame) {
  if (frame.length < HEADER_BYTES) return null;
  const packet = PACKETS_BY_VALUE.get(frame[0]);
  return { type: frame[0], name: packet?.name, role: packet?.role, streamId: view(frame).getUint32(1, true) };
}

/**
 * The new stream's id in an ACCEPTED frame's payload; null if the payload is too short to hold one.
 * @param {Uint8Array} frame
 */
export function acceptedStreamId(frame) {
  return frame.length < HEADER_BYTES + 4 ? null : view(frame).getUint32(HEADER_BYTES, true);
}

/**
 * A copy of `frame` with its header's stream id replaced and, for ACCEPTED,
 * the new stream's id in the payload too.
 * @param {Uint8Array} frame  a frame with a complete header
 * @param {number} streamId
 * @param {number} [acceptedId]  the payload's stream id (ACCEPTED only)
 * @returns {Uint8Array}
 */
export function withStreamIds(frame, streamId, acceptedId) {
  const copy = frame.slice();
  view(copy).setUint32(1, streamId, true);
  if (acceptedId !== undefined) view(copy).setUint32(HEADER_BYTES, acceptedId, true);
  return copy;
}

/**
 * Encodes CLOSE.
 * @param {number} streamId
 * @param {number} reason  a value of CLOSE_REASONS
 */
export function encodeClose(streamId, reason) {
  const frame = new Uint8Array(HEADER_BYTES + 1);
  frame[0] = PACKET_TYPES.close.value;
  view(frame).setUint32(1, streamId, true);
  frame[HEADER_BYTES] = reason;
  return frame;
}

/**
 * The extension records of an INFO frame (`{u8 id, u32 length, metadata}`
 * after the u8 major and minor version), as far as the frame holds whole
 * records; each metadata is a view into the frame.
 * @param {Uint8Array} frame
 * @returns {{ id: number, metadata: Uint8Array }[]}
 */
export function infoRecords(frame) {
  const records = [];
  for (let at = HEADER_BYTES + 2; at + 5 <= frame.length; ) {
    const end = at + 5 + view(frame).getUint32(at + 1, true);
    if (end > frame.length) break;
    records.push({ id: frame[at], metadata: frame.subarray(at + 5, end) });
    at = end;
  }
  return records;
}

/**
 * The extension ids an INFO frame lists, as far as the frame holds whole records.
 * @param {Uint8Array} frame
 * @returns {number[]}
 */
export function infoExtensionIds(frame) {
  return infoRecords(frame).map((record) => record.id);
}
