// JSPI mode's control calls: the guest calls the socket state machine on its
// own thread. A synchronous operation (open, setopt, shutdown…) answers at
// once; one whose backend step is asynchronous (bind, connect, resolve…)
// suspends the guest's import until it settles (jspi/replay.ts).

import type { Control, ControlReply } from '../bridge/control.js';
import type { SocketHost } from '../io/socket-host.js';
import type { Replay } from './replay.js';

export class DirectControl implements Control {
  constructor(private readonly host: SocketHost, private readonly replay: Replay) {}

  call(op: string, args: Record<string, unknown> = {}): ControlReply {
    if (this.replay.replaying()) return this.replay.take<ControlReply>();
    const reply = this.host.call(op, args);
    if (reply instanceof Promise) throw this.replay.suspend(reply);
    return this.replay.record(reply);
  }
}
