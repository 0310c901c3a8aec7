// Every real difference the differential fuzzer found, as the shrunk script
// it printed: `npm test` runs each natively and on every wasock target, so
// none comes back. (Scripts are kept as operations, not steps, so a change
// to the generator cannot quietly change them.)

import type { Script, Tag } from './generate.js';

export interface Regression {
  /** What differed, and the fix. */
  name: string;
  script: Script;
}

const single = (ops: string, tags: Tag[] = []): Script => ({ kind: 'single', ops: ops.split(';'), tags });
const pair = (server: string, client: string, tags: Tag[] = []): Script => ({ kind: 'pair', server: server.split(';'), client: client.split(';'), tags });

export const REGRESSIONS: Regression[] = [
  {
    name: 'reconnect on the same descriptor after closing first: the old connection\'s FIN reached the new one (SocketHost.owns)',
    script: single(
      // The client closes first and opens its next connection (same
      // descriptor, same slot) before the server closes the old one: the
      // server's FIN then arrives for a socket that is gone.
      'socket 0 tcp4;setopt 0 reuseaddr 1;bind 0 lo p0;listen 0 6;socket 8 tcp4;connect 8 lo p0;accept 0 1;' +
        Array.from({ length: 5 }, (_, i) => `write 8 300;readn ${i + 1} 300;write ${i + 1} 300;readn 8 300;close 8;socket 8 tcp4;connect 8 lo p0;readn ${i + 1} 1;close ${i + 1};sleep 20;accept 0 ${i + 2}`).join(';') +
        ';write 8 300;readn 6 300;write 6 300;readn 8 300',
    ),
  },
  {
    name: 'the same against a server in another program',
    script: pair(
      'socket 0 tcp4;setopt 0 reuseaddr 1;bind 0 lo p0;listen 0 6;' + Array.from({ length: 4 }, (_, i) => `sync ${2 * i + 2};accept 0 1;readn 1 300;write 1 300;sync ${2 * i + 3};readn 1 1;close 1`).join(';') + ';sync 20',
      'sync 1;' + Array.from({ length: 4 }, (_, i) => `socket 0 tcp4;connect 0 lo p0;write 0 300;sync ${2 * i + 2};readn 0 300;close 0;sync ${2 * i + 3}`).join(';') + ';sync 20',
    ),
  },
  {
    name: 'a send after the peer closed and reset: the kernel\'s EPIPE to the direct write is the answer once the peer\'s FIN ended reading',
    script: single('socket 0 tcp4;setopt 0 reuseaddr 1;bind 0 lo p0;listen 0 6;socket 8 tcp4;connect 8 lo p0;accept 0 1;close 1;sleep 150;send 8 2259 dontwait;sleep 150;send 8 2259 dontwait;soerror 8'),
  },
  {
    name: 'getpeername on a connection its peer reset: ENOTCONN (TCP_CLOSE), but accept() still reports the address',
    script: single('socket 0 tcp4;setopt 0 reuseaddr 1;bind 0 lo p0;listen 0 6;socket 8 tcp4;connect 8 lo p0;accept 0 1;setopt 8 linger 0;close 8;sleep 150;peername 1;sockname 1;socket 9 tcp4;connect 9 lo p0;write 9 402;setopt 9 linger 0;close 9;sleep 150;accept 0 2;peername 2;settle 2 1 1000;recv 2 403 dontwait'),
  },
  {
    name: 'accept of a connection reset before accept, over the relay and the in-page network',
    script: pair(
      'socket 0 tcp4;setopt 0 reuseaddr 1;bind 0 lo p0;listen 0 6;sockname 0;sync 2;sleep 150;accept 0 1;peername 1;settle 1 1 1000;recv 1 403 dontwait;sync 3',
      'sync 1;socket 0 tcp4;connect 0 lo p0;write 0 402;setopt 0 linger 0;close 0;sync 3',
      ['reset-before-accept'],
    ),
  },
  {
    name: 'send/sendto on a TCP socket that never connected: EPIPE, as tcp_sendmsg answers',
    script: single('socket 8 tcp4;sendto 8 lo p7 5;send 8 5 -;write 8 5;close 8'),
  },
  {
    name: 'shutdown(RDWR) twice: our own SHUT_RD is not the peer\'s FIN (SF.PEER_FIN)',
    script: pair(
      'socket 0 tcp4;setopt 0 reuseaddr 1;bind 0 lo p0;listen 0 6;sockname 0;sync 2;accept 0 1;peername 1;sync 4',
      'sync 1;socket 0 tcp4;nonblock 0 1;connect 0 lo p0;poll 3000 0:out;soerror 0;nonblock 0 0;sync 3;shutdown 0 rdwr;shutdown 0 rdwr;sync 4',
    ),
  },
  {
    name: 'a reset after our SHUT_RD is ECONNRESET, not EPIPE (only the peer\'s FIN makes it EPIPE)',
    script: pair(
      'socket 0 tcp4;setopt 0 reuseaddr 1;bind 0 lo p0;listen 0 6;sockname 0;sync 2;accept 0 1;peername 1;sync 4;close 1;sync 6',
      'sync 1;socket 0 tcp4;setopt 0 nodelay 1;connect 0 lo p0;sync 3;shutdown 0 rd;send 0 218 -;sync 5;sleep 150;send 0 614 dontwait;sleep 150;send 0 614 dontwait;soerror 0;sync 6',
      ['close-with-unread'],
    ),
  },
  {
    name: 'bind to a port an accepted connection still holds after its listener closed: EADDRINUSE unless both set SO_REUSEADDR',
    script: single('socket 0 tcp4;bind 0 any p0;listen 0 4;socket 8 tcp4;connect 8 lo p0;accept 0 1;close 0;socket 0 tcp4;setopt 0 reuseaddr 1;bind 0 lo p0;close 0;socket 0 tcp4;bind 0 lo p0'),
  },
  {
    name: 'a reset connection holds no port: the listener\'s port can be bound again',
    script: single('socket 0 tcp4;bind 0 any p0;listen 0 6;socket 8 tcp4;connect 8 lo p0;accept 0 1;setopt 8 linger 0;close 8;sleep 150;close 0;socket 0 tcp4;setopt 0 reuseaddr 1;bind 0 lo p0;listen 0 4'),
  },
  {
    name: 'a connection closed by FIN both ways (the peer\'s first) holds no port either',
    script: pair(
      'socket 0 tcp6;bind 0 any p0;listen 0 9;sync 2;accept 0 1;readn 1 1;shutdown 1 rdwr;sleep 150;close 0;socket 0 tcp6;setopt 0 reuseaddr 1;bind 0 lo p0;listen 0 4;sync 3',
      'sync 1;socket 0 tcp6;connect 0 lo p0;close 0;sync 3',
    ),
  },
  {
    name: 'a reset after our own shutdown(RDWR) is reported by recv (ECONNRESET); only the peer\'s FIN reads as EOF before an error',
    script: single('socket 0 tcp4;setopt 0 reuseaddr 1;bind 0 lo p0;listen 0 6;socket 8 tcp4;connect 8 lo p0;accept 0 1;shutdown 1 rdwr;setopt 8 linger 0;close 8;sleep 150;recv 1 116 dontwait;recv 1 116 dontwait'),
  },
  {
    name: 'data arriving after shutdown both ways resets the connection (ECONNRESET on both ends), as Linux does in FIN_WAIT with SHUT_RD',
    script: single('socket 0 tcp4;setopt 0 reuseaddr 1;bind 0 lo p0;listen 0 6;socket 8 tcp4;connect 8 lo p0;accept 0 1;shutdown 1 wr;shutdown 1 rd;sleep 150;send 8 174 dontwait;sleep 150;soerror 1;recv 1 10 dontwait;send 8 10 dontwait;soerror 8'),
  },
  {
    name: 'the peer\'s FIN and reset at once (shutdown then close with data unread): EPIPE, since the FIN came first',
    script: pair(
      'socket 0 tcp4;setopt 0 reuseaddr 1;bind 0 lo p0;listen 0 6;sync 2;accept 0 1;sync 4;shutdown 1 rdwr;close 1;sync 6',
      'sync 1;socket 0 tcp4;connect 0 lo p0;sync 3;write 0 195;sync 5;sleep 150;send 0 43 dontwait;sleep 150;send 0 43 dontwait;soerror 0;sync 6',
      ['close-with-unread'],
    ),
  },
  {
    name: 'close() right after the peer sent data we never read: a reset without FIN (ECONNRESET at the peer), even before the event loop read the bytes',
    script: single('socket 0 tcp4;setopt 0 reuseaddr 1;bind 0 lo p1;listen 0 6;socket 10 tcp4;connect 10 lo p1;accept 0 2;send 2 96 dontwait;recv 2 100 dontwait;close 10;sleep 150;settle 2 1 1000;recv 2 213 dontwait'),
  },
  {
    name: 'bytes already sent when we shut down both ways are not data after the shutdown: no reset, a second shutdown succeeds',
    script: single('socket 0 tcp4;setopt 0 reuseaddr 1;bind 0 lo p0;listen 0 6;socket 8 tcp4;connect 8 lo p0;accept 0 2;send 2 112 -;shutdown 8 rdwr;socket 4 udp4;close 4;shutdown 8 rdwr;sleep 150;soerror 8;recv 8 200 dontwait', ['shutdown-with-unread']),
  },
  {
    name: 'bytes sent before a reset are still read before the error (in-page network)',
    script: single('socket 0 tcp4;setopt 0 reuseaddr 1;bind 0 lo p0;listen 0 6;socket 8 tcp4;connect 8 lo p0;accept 0 1;write 8 438;write 1 12011;close 1;sleep 150;settle 8 1 1000;recv 8 518 dontwait;readn 8 20000', ['close-with-unread']),
  },
  {
    name: 'shutdown after the peer reset the connection (close with data unread): ENOTCONN',
    script: single('socket 0 tcp4;setopt 0 reuseaddr 1;bind 0 lo p0;listen 0 6;socket 8 tcp4;connect 8 lo p0;accept 0 1;write 8 129;close 1;sleep 150;shutdown 8 wr;soerror 8', ['close-with-unread']),
  },
  {
    name: 'a reset after the peer\'s FIN is seen without a read or write (the relay\'s host watches a half-closed socket)',
    script: single('socket 0 tcp4;setopt 0 reuseaddr 1;bind 0 lo p0;listen 0 6;socket 8 tcp4;connect 8 lo p0;accept 0 1;write 8 129;sleep 150;shutdown 1 wr;sleep 150;close 1;sleep 150;shutdown 8 wr;soerror 8;peername 8'),
  },
  {
    name: 'data that arrives after SHUT_RD is still read (only an empty queue reads as end of file)',
    script: single('socket 0 tcp4;setopt 0 reuseaddr 1;bind 0 lo p0;listen 0 6;socket 8 tcp4;connect 8 lo p0;accept 0 1;recv 1 10 dontwait;shutdown 1 rd;recv 1 10 dontwait;send 8 13512 dontwait;sleep 150;recv 1 55 dontwait;readn 1 13457;recv 1 10 dontwait'),
  },
  {
    name: 'sendto port 0 on UDP: EINVAL (it crashed the host: node:dgram throws for port 0)',
    script: single('socket 0 udp4;bind 0 lo p1;sendto 0 lo 0 5;sleep 20;socket 1 udp4;sendto 1 lo 0 5;sockname 1'),
  },
  {
    name: 'IPV6_V6ONLY is fixed at bind: EINVAL after',
    script: single('socket 0 tcp6;setopt 0 v6only 1;bind 0 lo p0;setopt 0 v6only 0;getopt 0 v6only;listen 0 2;socket 1 tcp6;connect 1 lo p0;setopt 1 v6only 1'),
  },
  {
    name: 'a connection reset by the answer to our last send holds no port: a bind right after succeeds (the reset was not reported yet)',
    script: single('socket 0 tcp4;bind 0 lo p0;listen 0 8;socket 8 tcp4;connect 8 lo p0;accept 0 1;close 8;sleep 100;readn 1 1;send 1 14371 dontwait;close 0;socket 0 tcp4;setopt 0 reuseaddr 1;bind 0 lo p0;listen 0 4'),
  },
  {
    name: 'the same between a wasm server and a native client',
    script: pair(
      'socket 0 tcp4;bind 0 any p0;listen 0 8;sync 2;accept 0 1;sync 4;readn 1 1;send 1 14371 dontwait;close 0;socket 0 tcp4;setopt 0 reuseaddr 1;bind 0 lo p0;listen 0 4;sync 5',
      'sync 1;socket 0 tcp4;connect 0 lo p0;sync 3;close 0;sync 5',
    ),
  },
  {
    name: 'a reset 40 ms after the peer\'s FIN fails the next send with EPIPE over the relay too (the relay looks for it every 10 ms)',
    script: pair(
      'socket 0 tcp4;setopt 0 reuseaddr 1;bind 0 lo p0;listen 0 6;sockname 0;sync 2;accept 0 1;peername 1;shutdown 1 rdwr;sync 4;sleep 40;poll 0 1:inout;setopt 1 linger 0;close 1;sync 6',
      'sync 1;socket 0 tcp4;setopt 0 nodelay 1;connect 0 lo p0;sync 3;sleep 40;poll 0 0:inout;sync 5;sleep 40;send 0 1927 dontwait;sleep 40;send 0 1927 dontwait;soerror 0;sync 6',
    ),
  },
  {
    name: 'shutdown after shutting down both ways and then receiving data: ENOTCONN (the data reset the connection), even before the event loop read it',
    script: single('socket 0 tcp4;setopt 0 reuseaddr 1;bind 0 lo p0;listen 0 6;sockname 0;socket 8 tcp4;connect 8 lo p0;accept 0 1;peername 1;shutdown 1 rdwr;sleep 40;send 8 453 dontwait;shutdown 1 wr'),
  },
  {
    name: 'shutdown after both FINs (ours by SHUT_WR, then the peer\'s): ENOTCONN, even before the event loop read the peer\'s FIN; the peer\'s FIN is out when its shutdown returns',
    script: single('socket 0 tcp4;setopt 0 reuseaddr 1;bind 0 lo p0;listen 0 6;sockname 0;socket 8 tcp4;setopt 8 nodelay 1;nonblock 8 1;connect 8 lo p0;poll 3000 8:out;soerror 8;nonblock 8 0;accept 0 1;peername 1;recv 8 214 dontwait;shutdown 1 wr;shutdown 8 rdwr;shutdown 1 rdwr'),
  },
  {
    name: 'epoll on a connection its peer reset: EPOLLRDHUP with EPOLLIN|EPOLLHUP (tcp_done() shuts both directions), with or without the error still pending',
    script: single('socket 0 tcp4;setopt 0 reuseaddr 1;bind 0 lo p0;listen 0 6;socket 8 tcp4;setopt 8 nodelay 1;connect 8 lo p0;accept 0 1;send 1 537 dontwait;close 8;sleep 40;send 1 2116 dontwait;sleep 40;send 1 2116 dontwait;soerror 1;epoll 2;ectl 2 add 1 in+out+et+oneshot+rdhup;sleep 40;ewait 2 16 20;socket 9 tcp4;connect 9 lo p0;accept 0 3;ectl 2 add 3 in+rdhup;ectl 2 add 9 out+rdhup;setopt 3 linger 0;close 3;sleep 40;ewait 2 16 0'),
  },
  {
    name: 'recvfrom on a stream socket reports no address',
    script: single('socket 0 tcp4;bind 0 lo p0;listen 0 5;socket 1 tcp4;connect 1 lo p0;accept 0 2;write 1 5;settle 2 5 1000;recvfrom 2 5 -'),
  },
];
