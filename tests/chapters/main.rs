//! Every chapter of Part I, run as the real binary over real loopback sockets.
//! The transcripts the book shows are the snapshots asserted here.

mod support;

mod ch01;
mod ch02;
mod ch03;
mod ch04;
mod ch05;
mod ch06;
mod ch07;
mod ch08;
mod ch09;
mod ch10;
mod ch11;
mod ch12;
mod help;
