const net = require('net');

// 서버 5000 번 포트 접속
// 3 way handshake

const socket = net.connect({ port : 5000 });

socket.on('connect', function () {
    console.log('connect to server!');
    setInterval(function () {
        socket.write('testing~');
    }, 1000);
});

// 서버로부터 받은 데이터를 화면에 출력
socket.on('data', function (chunk) {
    console.log('receive: ', chunk);
});

// 접속이 종료 됐을 때 메세지 출력
// 4 way handshake
socket.on('end', function () {
    console.log('disconnected.');
})

// 에러 발생 시 에러 메세지 화면에 출력
socket.on('error', function (err) {
    console.log(err);
});

// connection 에서 timeout 이 발생하면 메세지 출력
socket.on('timeout', function () {
    console.log('connection timeout.');
})

