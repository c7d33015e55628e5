// Runs one of the seed post's programs unchanged, under test:
//   node --require ./observe.js server.js   (or client.js)
// It (1) points the program's fixed port 5000 at 127.0.0.1:$SEED_PORT (a server: port 0), (2) fires the
// program's setInterval callback once per line on stdin instead of once a second, so
// the test decides when each write happens, and (3) prints an [observer] line for what
// the program itself does not print: both ends of a connection, each write() and what
// it returned, and the moment a socket is fully closed. The seed's code is not changed.
'use strict';
const net = require('net');
const readline = require('readline');
const port = Number(process.env.SEED_PORT || 0); // a server with no SEED_PORT: the OS chooses

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (_port, ...rest) {
  this.on('listening', () => {
    const { address, port } = this.address();
    console.log(`[observer] listening on ${address}:${port}`);
  });
  this.on('connection', (socket) => {
    observeWrites(socket);
    console.log(`[observer] connection: local ${socket.localAddress}:${socket.localPort}, peer ${socket.remoteAddress}:${socket.remotePort}`);
  });
  return listen.call(this, port, '127.0.0.1', ...rest);
};

const connect = net.connect;
net.connect = (options, ...rest) => {
  const socket = connect({ ...options, host: '127.0.0.1', port }, ...rest);
  observeWrites(socket);
  socket.on('end', () => observeWrites(socket));
  socket.on('close', () => console.log('[observer] close: the socket is fully closed'));
  return socket;
};

global.setInterval = (callback) => {
  readline.createInterface({ input: process.stdin }).on('line', () => callback());
  return 0;
};

// Node replaces a socket's write() once the peer's FIN has arrived (allowHalfOpen is
// false by default), so wrap the instance's write() again after 'end'.
function observeWrites(socket) {
  const write = socket.write;
  socket.write = function (...args) {
    const accepted = write.apply(this, args);
    console.log(`[observer] write(${JSON.stringify(String(args[0]))}) returned ${accepted}, destroyed=${this.destroyed}`);
    return accepted;
  };
}
