// Free UDP ports for tests that start a UDP peer (tests/ports, tests/browser).
import dgram from 'node:dgram';

/** A UDP port of 127.0.0.1 nobody has bound right now. @returns {Promise<number>} */
export async function freeUdpPort() {
  const socket = dgram.createSocket('udp4');
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = socket.address();
  await new Promise((resolve) => socket.close(() => resolve(undefined)));
  return port;
}
