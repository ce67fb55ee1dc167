// relay_info: what the relay says about itself in its Wisp v2 INFO packet
// that a person should see — its message of the day (MOTD extension 0x04,
// protocol/PROTOCOL.md). The host kernel answers INFO; this only reads it.

const PACKET_INFO = 0x05;
const HEADER_BYTES = 5;  // u8 type, u32 stream id
const VERSION_BYTES = 2;  // u8 major, u8 minor
const RECORD_HEADER_BYTES = 5;  // u8 extension id, u32 metadata length
const EXTENSION_MOTD = 0x04;

/**
 * The relay's message of the day if `frame` is its INFO and carries one, else null.
 * @param {Uint8Array} frame  one Wisp message from the relay
 * @returns {string | null}
 */
export function relayMotd(frame) {
  if (frame.length < HEADER_BYTES + VERSION_BYTES || frame[0] !== PACKET_INFO) return null;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (view.getUint32(1, true) !== 0) return null;
  for (let at = HEADER_BYTES + VERSION_BYTES; at + RECORD_HEADER_BYTES <= frame.length; ) {
    const length = view.getUint32(at + 1, true);
    const start = at + RECORD_HEADER_BYTES;
    if (length > frame.length - start) return null;
    if (frame[at] === EXTENSION_MOTD) return new TextDecoder().decode(frame.subarray(start, start + length));
    at = start + length;
  }
  return null;
}
