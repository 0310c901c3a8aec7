// The page's half of a NetBackend over a MessagePort (protocol.ts): runs the
// worker's requests against the page's own backend (the in-page network, or
// the relay's one WebSocket) and sends back what its objects report.
//
// Backpressure both ways: the worker's writes are acknowledged once the
// page's transport took them (at once, or at its `drain`), which is what
// port-backend.ts's write window waits for; the worker's pause() pauses the
// page's stream.

import { NetError, type DatagramSocket, type Listener, type NetBackend, type Stream } from '../backend.js';
import { type PortEvent, type PortLike, type PortRequest } from './protocol.js';

interface ServedStream {
  stream: Stream;
  /** Bytes written while the transport pushed back, acknowledged at its drain. */
  unacked: number;
  blocked: boolean;
  /** The peer's FIN arrived / our side is done: with both, the page forgets the stream. */
  peerEnded: boolean;
  done: boolean;
}

export interface ServedBackend {
  /**
   * The worker is gone: close what it left open (streams end after their
   * queued data, as at any exit) and stop listening to the port.
   */
  close(): void;
}

export function serveBackend(port: PortLike, backend: NetBackend): ServedBackend {
  const streams = new Map<number, ServedStream>();
  const listeners = new Map<number, Listener>();
  const datagrams = new Map<number, DatagramSocket>();
  let nextId = 1;
  let closed = false;
  const post = (event: PortEvent, transfer?: Transferable[]) => {
    if (!closed) port.postMessage(event, transfer);
  };

  const addStream = (stream: Stream): number => {
    const id = nextId++;
    const served: ServedStream = { stream, unacked: 0, blocked: false, peerEnded: false, done: false };
    streams.set(id, served);
    stream.attach({
      data: (chunk) => post({ ev: 'data', id, data: chunk }),
      end: () => {
        served.peerEnded = true;
        if (served.done) streams.delete(id);
        post({ ev: 'end', id });
      },
      error: (errno) => {
        streams.delete(id);
        post({ ev: 'error', id, errno });
      },
      drain: () => {
        served.blocked = false;
        if (served.unacked > 0) post({ ev: 'ack', id, bytes: served.unacked });
        served.unacked = 0;
      },
    });
    void stream.finished().then(() => {
      served.done = true;
      if (served.peerEnded) streams.delete(id);
      post({ ev: 'finished', id });
    });
    return id;
  };

  /** Runs a request's promise; an object that arrives after close() is closed at once. */
  const answer = <T>(req: number, work: Promise<T>, reply: (value: T) => PortEvent & { ev: 'reply' }, dispose: (value: T) => void) => {
    work.then(
      (value) => {
        if (closed) dispose(value);
        else post(reply(value));
      },
      (err: unknown) => post({ ev: 'fail', req, errno: err instanceof NetError ? err.errno : undefined, message: String((err as Error)?.message ?? err) }),
    );
  };

  const handle = (request: PortRequest) => {
    switch (request.op) {
      case 'connect':
        answer(request.req, backend.connect(request.to, request.from), (stream) => {
          const id = addStream(stream);
          return { ev: 'reply', req: request.req, value: { id, local: stream.local, remote: stream.remote } };
        }, (stream) => stream.destroy());
        return;
      case 'listen': {
        let listenerId = 0;
        const onConnection = (stream: Stream) => {
          if (closed) return stream.destroy();
          const id = addStream(stream);
          post({ ev: 'connection', listener: listenerId, id, local: stream.local, remote: stream.remote });
        };
        answer(request.req, backend.listen(request.at, request.options, onConnection), (listener) => {
          listenerId = nextId++;
          listeners.set(listenerId, listener);
          return { ev: 'reply', req: request.req, value: { id: listenerId, local: listener.local } };
        }, (listener) => listener.close());
        return;
      }
      case 'bindDatagram': {
        let socketId = 0;
        const onMessage = (data: Uint8Array, from: { family: 4 | 6; ip: string; port: number }) => post({ ev: 'message', id: socketId, data, from });
        answer(request.req, backend.bindDatagram(request.at, request.options, onMessage), (socket) => {
          socketId = nextId++;
          datagrams.set(socketId, socket);
          return { ev: 'reply', req: request.req, value: { id: socketId, local: socket.local } };
        }, (socket) => socket.close());
        return;
      }
      case 'resolve':
        answer(request.req, backend.resolve(request.host, request.family), (addrs) => ({ ev: 'reply', req: request.req, value: addrs }), () => {});
        return;
      case 'write': {
        const served = streams.get(request.id);
        if (!served) return;
        const n = request.data.length;
        if (served.stream.write(request.data) && !served.blocked) {
          post({ ev: 'ack', id: request.id, bytes: n });
        } else {
          served.blocked = true;
          served.unacked += n;
        }
        return;
      }
      case 'end': streams.get(request.id)?.stream.end(); return;
      case 'close': {
        const stream = streams.get(request.id)?.stream;
        if (stream) (stream.close ? stream.close() : stream.end());
        return;
      }
      case 'destroy':
        streams.get(request.id)?.stream.destroy();
        streams.delete(request.id);
        return;
      case 'pause': streams.get(request.id)?.stream.pause(); return;
      case 'resume': streams.get(request.id)?.stream.resume(); return;
      case 'noDelay': streams.get(request.id)?.stream.setNoDelay(request.on); return;
      case 'keepAlive': streams.get(request.id)?.stream.setKeepAlive(request.on, request.idleSeconds); return;
      case 'closeListener':
        listeners.get(request.id)?.close();
        listeners.delete(request.id);
        return;
      case 'closeDatagram':
        datagrams.get(request.id)?.close();
        datagrams.delete(request.id);
        return;
      case 'send': datagrams.get(request.id)?.send(request.data, request.to); return;
      case 'broadcast': datagrams.get(request.id)?.setBroadcast(request.on); return;
      case 'ttl': datagrams.get(request.id)?.setTTL(request.ttl); return;
    }
  };

  port.onmessage = (event) => handle(event.data as PortRequest);
  void backend.gone?.then(() => post({ ev: 'gone' }));

  return {
    close() {
      if (closed) return;
      closed = true;
      port.onmessage = null;
      port.close();
      for (const { stream } of streams.values()) (stream.close ? stream.close() : stream.end());
      for (const listener of listeners.values()) listener.close();
      for (const socket of datagrams.values()) socket.close();
      streams.clear();
      listeners.clear();
      datagrams.clear();
    },
  };
}

