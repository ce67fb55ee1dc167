// relay_info: what the relay says about itself in its Wisp v2 INFO packet
// that a person should see — its message of the day (MOTD extension 0x04,
// protocol/PROTOCOL.md). The host kernel answers INFO; this only reads it.

import { PACKET_TYPES, SESSION_STREAM_ID, infoRecords, readHeader } from './wisp.js';

const EXTENSION_MOTD = 0x04;

/**
 * The relay's message of the day if `frame` is its INFO and carries one, else null.
 * @param {Uint8Array} frame  one Wisp message from the relay
 * @returns {string | null}
 */
export function relayMotd(frame) {
  const header = readHeader(frame);
  if (header?.type !== PACKET_TYPES.info.value || header.streamId !== SESSION_STREAM_ID) return null;
  const motd = infoRecords(frame).find((record) => record.id === EXTENSION_MOTD);
  return motd ? new TextDecoder().decode(motd.metadata) : null;
}
