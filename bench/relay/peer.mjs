// bench/relay/peer.mjs: the TCP peer every relay under test talks to, in a
// process of its own so that it does not share the client's JavaScript thread
// (that thread was the limit of the download figures). Prints {"port": N}.
//   "D<bytes>\n" → sends that many bytes; "U<bytes>\n" → reads them, answers "ok";
//   "E\n" → echoes; "I\n" → holds the connection open.
import net from 'node:net';

const chunk = Buffer.alloc(1024 * 1024, 0x5a);

function startPeer() {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    let header = '';
    const onData = (data) => {
      header += data.toString('latin1');
      const newline = header.indexOf('\n');
      if (newline < 0) return;
      socket.off('data', onData);
      const command = header.slice(0, newline);
      const rest = Buffer.from(header.slice(newline + 1), 'latin1');
      if (command[0] === 'D') return download(socket, Number(command.slice(1)));
      if (command[0] === 'U') return upload(socket, Number(command.slice(1)), rest.length);
      if (command[0] === 'E') {
        if (rest.length) socket.write(rest);
        socket.pipe(socket);
      }
      // 'I': idle, hold the connection open
    };
    socket.on('data', onData);
    socket.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function download(socket, total) {
  let left = total;
  const pump = () => {
    while (left > 0) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      if (!socket.write(piece)) return socket.once('drain', pump);
    }
    // The client closes once it has every byte (some relays drop data queued at a close).
  };
  pump();
}

function upload(socket, total, already) {
  let got = already;
  const finish = () => socket.end('ok');
  if (got >= total) return finish();
  socket.on('data', (data) => {
    got += data.length;
    if (got >= total) finish();
  });
}

const server = await startPeer();
process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
process.on('SIGTERM', () => process.exit(0));
