// node.js 런타임 환경
const net = require('net');

const server = net.createServer(socket => {
    console.log(`connect address : ${socket.address().address}`);
    socket.on('data', (data) => {
        console.log(data.toString());
        socket.write('test');
        socket.end();
    });
})

server.listen(5000, function() {
    console.log('listen on port 5000');
})
