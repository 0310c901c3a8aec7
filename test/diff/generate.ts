// The script generator of the differential fuzzer (docs/fuzz-diff.md).
//
// fast-check draws a list of *steps* — lifecycle fragments such as "open a
// connection", "send n bytes", "close with data unread", "reset", "reconnect"
// — and `lower` turns them into scenario-interpreter operations, keeping a
// small model of every connection (who is open, how many bytes wait in each
// direction, who has sent FIN). The model is what makes scripts
// deterministic: a blocking call is emitted only when the model says it
// will return (data, end of file or a connection is already on its way);
// otherwise the step uses a non-blocking form, a receive timeout or a poll
// with a deadline. Whatever the model cannot predict is still run, and the
// runner drops a script whose two native runs differ.
//
// One list of steps lowers to a single-process script (both ends of every
// connection in one program) or to a server/client pair (ends split between
// two programs, with `sync` barriers between steps), so shrinking works on
// steps in both forms.

import fc from 'fast-check';

export type Family = 4 | 6;
type RecvStyle = 'readn' | 'read' | 'peek' | 'waitall' | 'dontwait' | 'recvfrom';
/** Which program an end belongs to in the pair form: A the server, B the client. */
export type Side = 'A' | 'B';

/** One lifecycle fragment; `lower` decides which connection or socket it acts on. */
export type Step =
  | { t: 'listen'; family: Family; any: boolean; reuse: boolean; backlog: number }
  | { t: 'connect'; pick: number; nonblocking: boolean; nodelay: boolean; acceptNow: boolean }
  | { t: 'accept'; pick: number }
  | { t: 'send'; pick: number; from: Side; n: number; style: 'write' | 'send' | 'dontwait' }
  | { t: 'recv'; pick: number; at: Side; n: number; style: RecvStyle }
  | { t: 'drain'; pick: number; at: Side }
  | { t: 'shutdown'; pick: number; at: Side; how: 'rd' | 'wr' | 'rdwr' }
  | { t: 'close'; pick: number; at: Side; linger0: boolean }
  | { t: 'writeClosed'; pick: number; at: Side; n: number }
  | { t: 'reconnect'; pick: number; rounds: number; n: number }
  | { t: 'acceptClosed'; pick: number; n: number; linger0: boolean }
  | { t: 'closeListener'; pick: number; pending: number }
  | { t: 'observe'; pick: number; at: Side; how: 'poll' | 'select' | 'soerror' | 'names' }
  | { t: 'timeout'; pick: number; at: Side; ms: number }
  | { t: 'options'; pick: number; at: Side; name: 'keepalive' | 'nodelay' | 'reuseaddr' | 'linger' | 'rcvtimeo' | 'sndtimeo'; value: number }
  | { t: 'churn'; at: Side; count: number; udp: boolean }
  | { t: 'stale'; at: Side; op: 'read' | 'write' | 'close' | 'sockname' }
  | { t: 'udp'; family: Family; n: number; count: number; connected: boolean; truncate: boolean }
  | { t: 'misuse'; at: Side; op: Misuse }
  | { t: 'dup'; pick: number; at: Side; exact: boolean; act: DupAct; keep: 'orig' | 'dup'; n: number }
  | { t: 'pipe'; pick: number; at: Side; act: PipeAct; n: number }
  | { t: 'epoll'; pick: number; at: Side; act: EpollAct; want: 'in' | 'out' | 'inout'; flags: EpollFlag[]; ms: number };

/** What a step does through a socket's duplicate before one of the two numbers is closed. */
type DupAct = 'send' | 'recv' | 'shutdown' | 'poll' | 'none';
type PipeAct = 'open' | 'write' | 'read' | 'drain' | 'closeW' | 'closeR' | 'poll' | 'select' | 'dupW' | 'misuse';
type EpollAct = 'add' | 'mod' | 'del' | 'wait' | 'pollEpoll' | 'close';
type EpollFlag = 'et' | 'oneshot' | 'rdhup';

type Misuse = 'listenUdp' | 'acceptUnlistened' | 'readUnconnected' | 'connectTwice' | 'bindTwice' | 'sendtoTcp' | 'sendtoPortZero' | 'v6onlyAfterBind';

/**
 * What a script does that a deviation rule (rules.ts) may need to know and
 * the operations alone do not say; the generator's model sets them.
 */
export type Tag = 'reset-before-accept' | 'shutdown-with-unread' | 'close-with-unread';

export interface SingleScript {
  kind: 'single';
  ops: string[];
  tags?: Tag[];
}
export interface PairScript {
  kind: 'pair';
  server: string[];
  client: string[];
  tags?: Tag[];
}
export type Script = SingleScript | PairScript;

/** Bytes the generator lets wait unread in one direction: far below any socket buffer, so sends never block. */
const MAX_PENDING = 48 * 1024;
/** Long enough for anything already on its way over loopback, on a loaded machine. */
const EVENT_MS = 3000;
/** Settling time before a look at state that changes asynchronously (a peer's FIN or reset). */
const SETTLE_MS = 40;

const side = fc.constantFrom<Side>('A', 'B');
const pick = fc.nat({ max: 7 });
const size = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 600 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 20000 }) });

/** Steps, weighted toward lifecycles: opening, closing with data in flight, resets, reconnects. */
export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ t: fc.constant('listen' as const), family: fc.constantFrom<Family>(4, 4, 6), any: fc.boolean(), reuse: fc.boolean(), backlog: fc.integer({ min: 1, max: 8 }) }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('connect' as const), pick, nonblocking: fc.boolean(), nodelay: fc.boolean(), acceptNow: fc.constantFrom(true, true, true, false) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('accept' as const), pick }) },
  { weight: 8, arbitrary: fc.record({ t: fc.constant('send' as const), pick, from: side, n: size, style: fc.constantFrom('write', 'send', 'dontwait') }) },
  { weight: 8, arbitrary: fc.record({ t: fc.constant('recv' as const), pick, at: side, n: size, style: fc.constantFrom<RecvStyle>('readn', 'readn', 'read', 'peek', 'waitall', 'dontwait', 'recvfrom') }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('drain' as const), pick, at: side }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('shutdown' as const), pick, at: side, how: fc.constantFrom('wr', 'wr', 'rd', 'rdwr') }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('close' as const), pick, at: side, linger0: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('writeClosed' as const), pick, at: side, n: fc.integer({ min: 1, max: 3000 }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('reconnect' as const), pick, rounds: fc.integer({ min: 1, max: 6 }), n: fc.integer({ min: 0, max: 2000 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('acceptClosed' as const), pick, n: fc.integer({ min: 0, max: 2000 }), linger0: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('closeListener' as const), pick, pending: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('observe' as const), pick, at: side, how: fc.constantFrom('poll', 'poll', 'select', 'soerror', 'names') }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('timeout' as const), pick, at: side, ms: fc.constantFrom(20, 40, 60) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('options' as const), pick, at: side, name: fc.constantFrom('keepalive', 'nodelay', 'reuseaddr', 'linger', 'rcvtimeo', 'sndtimeo'), value: fc.integer({ min: -1, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('churn' as const), at: side, count: fc.integer({ min: 1, max: 12 }), udp: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('stale' as const), at: side, op: fc.constantFrom('read', 'write', 'close', 'sockname') }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('udp' as const), family: fc.constantFrom<Family>(4, 4, 6), n: fc.integer({ min: 0, max: 3000 }), count: fc.integer({ min: 1, max: 4 }), connected: fc.boolean(), truncate: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('misuse' as const), at: side, op: fc.constantFrom<Misuse>('listenUdp', 'acceptUnlistened', 'readUnconnected', 'connectTwice', 'bindTwice', 'sendtoTcp', 'sendtoPortZero', 'v6onlyAfterBind') }) },
  // The calls of issue #15: a socket's duplicate, a pipe inside the program, epoll.
  { weight: 2, arbitrary: fc.record({ t: fc.constant('dup' as const), pick, at: side, exact: fc.boolean(), act: fc.constantFrom<DupAct>('send', 'send', 'recv', 'shutdown', 'poll', 'none'), keep: fc.constantFrom('orig', 'dup'), n: fc.integer({ min: 1, max: 3000 }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('pipe' as const), pick, at: side, act: fc.constantFrom<PipeAct>('open', 'write', 'write', 'read', 'read', 'drain', 'closeW', 'closeR', 'poll', 'select', 'dupW', 'misuse'), n: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 600 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 8000 }) }) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('epoll' as const), pick, at: side, act: fc.constantFrom<EpollAct>('add', 'add', 'mod', 'del', 'wait', 'wait', 'wait', 'pollEpoll', 'close'), want: fc.constantFrom('in', 'out', 'inout', 'in'), flags: fc.subarray<EpollFlag>(['et', 'oneshot', 'rdhup']), ms: fc.constantFrom(0, 0, 20, 50) }) },
);

export const stepsArb = fc.array(stepArb, { minLength: 2, maxLength: 24, size: 'medium' });

/** A script and the steps it came from (the steps are what fast-check shrinks). */
export const scriptArb = (form: 'single' | 'pair') => stepsArb.map((steps) => ({ steps, script: lower(steps, form) }));

// --- the model ---------------------------------------------------------------

interface End {
  side: Side;
  handle: number;
  /** Bytes sent to this end and not yet read. */
  pending: number;
  /** The peer sent FIN: reads end with EOF once `pending` is read. */
  finIn: boolean;
  /** This end sent FIN (shutdown wr or close). */
  finOut: boolean;
  /** This end was shut for reading. */
  shutRd: boolean;
  /** The connection was reset, or is in a state the model does not follow: only non-blocking looks. */
  murky: boolean;
  /** Became murky since the last settling pause: what changed may still be on its way. */
  unsettled?: boolean;
  closed: boolean;
  rcvtimeo: boolean;
}

interface Conn {
  a: End;
  b: End;
  /** Not yet accepted: `a` is a placeholder until accept. */
  accepted: boolean;
  listener: Listening;
}

/** A pipe inside one program: its ends are handles of that side (null once closed). */
interface Pipe {
  side: Side;
  r: number | null;
  w: number | null;
  /** Bytes written and not yet read. */
  pending: number;
}

interface Epoll {
  side: Side;
  handle: number;
  /** Handles registered (as far as the model knows), with the events asked for. */
  regs: Map<number, string>;
}

/** Bytes the generator lets wait in a pipe: a few pages, far below its 64 KiB on either platform. */
const PIPE_PENDING = 16 * 1024;

interface Listening {
  handle: number;
  family: Family;
  port: number;
  open: boolean;
  /** Connections waiting in its accept queue, oldest first. */
  queue: Conn[];
}

/** Handles per side in the single form: A uses 0-7, B 8-15. */
const HANDLES = 8;

class Lowering {
  readonly ops: { side: Side; op: string }[] = [];
  readonly tags = new Set<Tag>();
  private readonly listeners: Listening[] = [];
  private conns: Conn[] = [];
  private pipes: Pipe[] = [];
  private epolls: Epoll[] = [];
  /** Handles in use per side (numbers are reused as handles free up). */
  private readonly used: Record<Side, Set<number>> = { A: new Set(), B: new Set() };
  /** A handle closed earlier, per side, for stale-descriptor steps. */
  private readonly stale: Record<Side, number | null> = { A: null, B: null };
  private nextPort = 0;
  private timeoutsUsed = 0;

  constructor(private readonly form: 'single' | 'pair') {}

  private h(side: Side, handle: number): number {
    return this.form === 'single' && side === 'B' ? handle + HANDLES : handle;
  }

  private emit(side: Side, op: string): void {
    this.ops.push({ side, op });
  }

  private take(side: Side): number | null {
    for (let i = 0; i < HANDLES; i++) {
      if (!this.used[side].has(i)) {
        this.used[side].add(i);
        return i;
      }
    }
    return null;
  }

  private free(side: Side, handle: number): void {
    this.used[side].delete(handle);
    this.stale[side] = handle;
    // A descriptor's close ends its registrations (when it was its file's
    // last number): the model forgets them, so steps pick live ones.
    for (const e of this.epolls) if (e.side === side) e.regs.delete(handle);
  }

  /** A port to bind; p7 is never bound, so a connect or send there meets no one. */
  private port(): number | null {
    return this.nextPort < 7 ? this.nextPort++ : null;
  }

  private live(): Conn[] {
    return this.conns.filter((c) => !(c.a.closed && c.b.closed));
  }

  private endOf(c: Conn, s: Side): End {
    return s === 'A' ? c.a : c.b;
  }

  private sock(side: Side, op: string, handle: number, rest = ''): string {
    return `${op} ${this.h(side, handle)}${rest}`;
  }

  // --- steps ---------------------------------------------------------------

  step(s: Step): void {
    switch (s.t) {
      case 'listen': return void this.listen(s.family, s.any, s.reuse, s.backlog);
      case 'connect': return this.connect(s);
      case 'accept': {
        const l = this.listeners.filter((x) => x.open && x.queue.length > 0)[s.pick % 8];
        if (l) this.accept(l);
        return void 0;
      }
      case 'send': return this.withConn(s.pick, (c) => this.send(this.endOf(c, s.from), this.endOf(c, other(s.from)), s.n, s.style));
      case 'recv': return this.withConn(s.pick, (c) => this.recv(this.endOf(c, s.at), s.n, s.style));
      case 'drain': return this.withConn(s.pick, (c) => this.drain(this.endOf(c, s.at)));
      case 'shutdown': return this.withConn(s.pick, (c) => this.shutdown(c, s.at, s.how));
      case 'close': return this.withConn(s.pick, (c) => this.close(c, s.at, s.linger0));
      case 'writeClosed': return this.withConn(s.pick, (c) => this.writeClosed(c, s.at, s.n));
      case 'reconnect': return this.reconnect(s.pick, s.rounds, s.n);
      case 'acceptClosed': return this.acceptClosed(s.pick, s.n, s.linger0);
      case 'closeListener': return this.closeListener(s.pick, s.pending);
      case 'observe': return this.withConn(s.pick, (c) => this.observe(this.endOf(c, s.at), s.how), () => this.observeListener(s.pick, s.how));
      case 'timeout': return this.withConn(s.pick, (c) => this.timeout(this.endOf(c, s.at), s.ms));
      case 'options': return this.withConn(s.pick, (c) => this.options(this.endOf(c, s.at), s.name, s.value));
      case 'churn': return this.churn(s.at, s.count, s.udp);
      case 'stale': return this.staleOp(s.at, s.op);
      case 'udp': return this.udp(s);
      case 'misuse': return this.misuse(s.at, s.op);
      case 'dup': return this.withConn(s.pick, (c) => this.dup(c, s));
      case 'pipe': return this.pipe(s);
      case 'epoll': return this.epoll(s);
    }
  }

  private withConn(pickN: number, act: (c: Conn) => void, otherwise?: () => void): void {
    const open = this.live().filter((c) => c.accepted);
    if (open.length === 0) return otherwise?.();
    act(open[pickN % open.length]);
  }

  private listen(family: Family, any: boolean, reuse: boolean, backlog: number): Listening | null {
    const port = this.port();
    const handle = this.take('A');
    if (port === null || handle === null) {
      if (handle !== null) this.used.A.delete(handle);
      return null;
    }
    this.emit('A', this.sock('A', 'socket', handle, ` tcp${family}`));
    if (reuse) this.emit('A', this.sock('A', 'setopt', handle, ' reuseaddr 1'));
    this.emit('A', this.sock('A', 'bind', handle, ` ${any ? 'any' : 'lo'} p${port}`));
    this.emit('A', this.sock('A', 'listen', handle, ` ${backlog + 2}`));
    this.emit('A', this.sock('A', 'sockname', handle));
    const l: Listening = { handle, family, port, open: true, queue: [] };
    this.listeners.push(l);
    return l;
  }

  private anyListener(pickN: number): Listening | null {
    const open = this.listeners.filter((l) => l.open && l.queue.length < 2);
    if (open.length > 0) return open[pickN % open.length];
    return this.listen(4, false, true, 4);
  }

  private connect(s: { pick: number; nonblocking: boolean; nodelay: boolean; acceptNow: boolean }): void {
    const l = this.anyListener(s.pick);
    if (l) this.connectTo(l, s);
  }

  /** A client socket connected to `l`; the connection waits in `l`'s queue unless accepted now. Returns it, or null. */
  private connectTo(l: Listening, s: { nonblocking: boolean; nodelay: boolean; acceptNow: boolean }): Conn | null {
    const handle = this.take('B');
    if (handle === null) return null;
    const b: End = { side: 'B', handle, pending: 0, finIn: false, finOut: false, shutRd: false, murky: false, closed: false, rcvtimeo: false };
    this.emit('B', this.sock('B', 'socket', handle, ` tcp${l.family}`));
    if (s.nodelay) this.emit('B', this.sock('B', 'setopt', handle, ' nodelay 1'));
    if (s.nonblocking) {
      this.emit('B', this.sock('B', 'nonblock', handle, ' 1'));
      this.emit('B', this.sock('B', 'connect', handle, ` lo p${l.port}`));
      this.emit('B', `poll ${EVENT_MS} ${this.h('B', handle)}:out`);
      this.emit('B', this.sock('B', 'soerror', handle));
      this.emit('B', this.sock('B', 'nonblock', handle, ' 0'));
    } else {
      this.emit('B', this.sock('B', 'connect', handle, ` lo p${l.port}`));
    }
    const c: Conn = { a: { ...b, side: 'A', handle: -1 }, b, accepted: false, listener: l };
    l.queue.push(c);
    this.conns.push(c);
    if (s.acceptNow) this.accept(l);
    return c;
  }

  /** Accepts the oldest waiting connection; false when none waits or no handle is free. */
  private accept(l: Listening): boolean {
    const c = l.queue[0];
    if (!c) return false;
    const handle = this.take('A');
    if (handle === null) return false;
    l.queue.shift();
    this.emit('A', this.sock('A', 'accept', l.handle, ` ${this.h('A', handle)}`));
    c.a.handle = handle;
    c.accepted = true;
    this.emit('A', this.sock('A', 'peername', handle));
    return true;
  }

  private send(from: End, to: End, n: number, style: 'write' | 'send' | 'dontwait'): void {
    if (from.closed || from.murky) return;
    if (from.finOut || to.closed || to.shutRd) return this.writeToGone(from, n);
    if (to.pending + n > MAX_PENDING) n = MAX_PENDING - to.pending;
    if (n <= 0) return;
    const op = style === 'write' ? 'write' : 'send';
    const flags = style === 'write' ? '' : style === 'dontwait' ? ' dontwait' : ' -';
    this.emit(from.side, this.sock(from.side, op, from.handle, ` ${n}${flags}`));
    to.pending += n;
  }

  /** A send where the peer is gone or this side shut down: the result depends on timing, so settle first. */
  private writeToGone(from: End, n: number): void {
    if (from.closed) return;
    from.unsettled = true;
    this.settle(from);
    this.emit(from.side, this.sock(from.side, 'send', from.handle, ` ${n} dontwait`));
    this.murky(from);
  }

  private recv(at: End, n: number, style: RecvStyle): void {
    if (at.closed) return;
    const h = this.h(at.side, at.handle);
    if (at.shutRd) {
      // A read-shut socket reads as end of file whenever its queue is empty,
      // so nothing can wait for data there: give what was sent time to come.
      this.emit(at.side, `sleep ${SETTLE_MS}`);
      this.emit(at.side, `recv ${h} ${n} dontwait`);
      return;
    }
    if (at.murky) {
      this.settle(at);
      this.emit(at.side, `settle ${h} 1 ${SETTLE_MS}`);
      this.emit(at.side, `recv ${h} ${n} dontwait`);
      return;
    }
    if (at.pending === 0 && !at.finIn) {
      // Nothing is coming: a blocking read would hang. Look without waiting.
      this.emit(at.side, style === 'peek' ? `recv ${h} ${n} peek+dontwait` : `recv ${h} ${n} dontwait`);
      return;
    }
    if (at.pending === 0) {
      this.emit(at.side, `read ${h} ${n}`);
      return;
    }
    const take = Math.min(n, at.pending);
    switch (style) {
      case 'readn':
        // More than is pending only when the peer's FIN ends the read.
        if (at.finIn) {
          this.emit(at.side, `readn ${h} ${n}`);
          at.pending = Math.max(0, at.pending - n);
        } else {
          this.emit(at.side, `readn ${h} ${take}`);
          at.pending -= take;
        }
        return;
      case 'waitall':
        this.emit(at.side, `recv ${h} ${take} waitall`);
        at.pending -= take;
        return;
      case 'read':
        this.emit(at.side, `settle ${h} ${take} ${EVENT_MS}`);
        this.emit(at.side, `read ${h} ${take}`);
        at.pending -= take;
        return;
      case 'peek':
        this.emit(at.side, `settle ${h} ${take} ${EVENT_MS}`);
        this.emit(at.side, `recv ${h} ${take} peek`);
        this.emit(at.side, `recv ${h} ${take} peek+dontwait`);
        return;
      case 'dontwait':
        this.emit(at.side, `settle ${h} ${take} ${EVENT_MS}`);
        this.emit(at.side, `recv ${h} ${take} dontwait`);
        at.pending -= take;
        return;
      case 'recvfrom':
        // On a stream: the bytes, and no source address.
        this.emit(at.side, `settle ${h} ${take} ${EVENT_MS}`);
        this.emit(at.side, `recvfrom ${h} ${take} -`);
        at.pending -= take;
        return;
    }
  }

  /** Reads everything pending, and the EOF if the peer finished. */
  private drain(at: End): void {
    if (at.closed || at.murky || at.shutRd) return;
    const h = this.h(at.side, at.handle);
    if (at.finIn) this.emit(at.side, `readn ${h} ${at.pending + 1}`);
    else if (at.pending > 0) this.emit(at.side, `readn ${h} ${at.pending}`);
    at.pending = 0;
  }

  /**
   * A pause before acting on an end whose state a peer changed (a reset, a
   * FIN): a kernel has handled a loopback peer's close by the time close()
   * returns; wasock's peer is another thread and an event loop away.
   */
  private settle(end: End): void {
    if (!end.unsettled) return;
    end.unsettled = false;
    this.emit(end.side, `sleep ${SETTLE_MS}`);
  }

  private murky(end: End): void {
    end.murky = true;
    end.unsettled = true;
  }

  private shutdown(c: Conn, s: Side, how: 'rd' | 'wr' | 'rdwr'): void {
    const me = this.endOf(c, s);
    const peer = this.endOf(c, other(s));
    if (me.closed) return;
    this.settle(me);
    this.emit(s, this.sock(s, 'shutdown', me.handle, ` ${how}`));
    if (how !== 'rd' && !me.finOut) {
      me.finOut = true;
      peer.finIn = true;
    }
    // What a read-shut socket reads, and what its peer's writes then do, is
    // where stacks differ most in timing: follow it without blocking.
    if (how !== 'wr') me.shutRd = true;
    // Shut both ways with bytes on their way in: the relay cannot tell
    // them from bytes sent after (rules.ts, relay-shutdown-with-data-in-flight).
    if (me.shutRd && me.finOut && me.pending > 0) this.tags.add('shutdown-with-unread');
  }

  private close(c: Conn, s: Side, linger0: boolean): void {
    const me = this.endOf(c, s);
    const peer = this.endOf(c, other(s));
    if (me.closed) return;
    if (linger0) this.emit(s, this.sock(s, 'setopt', me.handle, ' linger 0'));
    this.emit(s, this.sock(s, 'close', me.handle));
    me.closed = true;
    this.free(s, me.handle);
    // A reset with the closing side's own sends maybe still queued (rules.ts, relay-close-with-unread).
    if (me.pending > 0) this.tags.add('close-with-unread');
    if (linger0 || me.pending > 0 || me.shutRd) {
      // A reset (or possibly one): the peer sees ECONNRESET on its next call.
      this.murky(peer);
    } else {
      me.finOut = true;
      peer.finIn = true;
      peer.unsettled = true;
    }
  }

  private writeClosed(c: Conn, s: Side, n: number): void {
    const me = this.endOf(c, s);
    const peer = this.endOf(c, other(s));
    if (me.closed) return;
    if (!peer.closed) this.close(c, other(s), false);
    this.writeToGone(me, n);
    this.emit(s, `sleep ${SETTLE_MS}`);
    this.emit(s, this.sock(s, 'send', me.handle, ` ${n} dontwait`));
    this.emit(s, this.sock(s, 'soerror', me.handle));
  }

  /** Close and connect again, `rounds` times: the descriptor number and slot are reused each time. */
  private reconnect(pickN: number, rounds: number, n: number): void {
    const l = this.anyListener(pickN);
    if (!l) return;
    for (let i = 0; i < rounds; i++) {
      const c = this.connectTo(l, { nonblocking: false, nodelay: false, acceptNow: l.queue.length === 0 });
      if (!c?.accepted) return;
      if (n > 0) {
        this.send(c.b, c.a, n, 'write');
        this.recv(c.a, n, 'readn');
        this.send(c.a, c.b, n, 'write');
        this.recv(c.b, n, 'readn');
      }
      // The client closes first while the server still holds its end: the
      // server's FIN then arrives for a descriptor the next round reuses.
      this.close(c, 'B', false);
      if (i % 2 === 1) this.drain(c.a);
    }
  }

  /** The client connects, writes and closes before the server accepts. */
  private acceptClosed(pickN: number, n: number, linger0: boolean): void {
    const l = this.anyListener(pickN);
    if (!l) return;
    const c = this.connectTo(l, { nonblocking: false, nodelay: false, acceptNow: false });
    if (!c) return;
    if (n > 0) this.send(c.b, c.a, n, 'write');
    this.close(c, 'B', linger0);
    if (linger0) this.tags.add('reset-before-accept');
    this.emit('A', `sleep ${SETTLE_MS}`);
    // Accept it from the head of the queue (others may be waiting before it).
    while (!c.accepted && this.accept(l));
    if (!c.accepted) return;
    if (linger0) this.recv(c.a, n + 1, 'readn');
    else this.drain(c.a);
  }

  /** Closes a listener; connections still in its queue are reset. */
  private closeListener(pickN: number, pending: number): void {
    const open = this.listeners.filter((l) => l.open);
    if (open.length === 0) return;
    const l = open[pickN % open.length];
    for (let i = 0; i < pending && l.queue.length < 2; i++) this.connectTo(l, { nonblocking: false, nodelay: false, acceptNow: false });
    this.emit('A', this.sock('A', 'close', l.handle));
    l.open = false;
    this.free('A', l.handle);
    for (const c of l.queue) {
      c.a.closed = true;
      this.murky(c.b);
    }
    l.queue = [];
    // A new listener on the same port must not see the old one's connections.
    if (pending > 0) {
      const handle = this.take('A');
      if (handle === null) return;
      this.emit('A', this.sock('A', 'socket', handle, ` tcp${l.family}`));
      this.emit('A', this.sock('A', 'setopt', handle, ' reuseaddr 1'));
      this.emit('A', this.sock('A', 'bind', handle, ` lo p${l.port}`));
      this.emit('A', this.sock('A', 'listen', handle, ' 4'));
      this.listeners.push({ handle, family: l.family, port: l.port, open: true, queue: [] });
      this.emit('A', `poll 50 ${this.h('A', handle)}:in`);
    }
  }

  private observe(at: End, how: 'poll' | 'select' | 'soerror' | 'names'): void {
    if (at.closed) return;
    const h = this.h(at.side, at.handle);
    // State a peer changes (FIN, reset, data) reaches wasock a little later
    // than a kernel's own loopback: give it time before a zero-timeout look.
    this.emit(at.side, `sleep ${SETTLE_MS}`);
    switch (how) {
      case 'poll': return this.emit(at.side, `poll 0 ${h}:inout`);
      case 'select': return this.emit(at.side, `select 0 ${h}:rwe`);
      case 'soerror': return this.emit(at.side, `soerror ${h}`);
      case 'names':
        this.emit(at.side, `sockname ${h}`);
        this.emit(at.side, `peername ${h}`);
        return;
    }
  }

  private observeListener(pickN: number, how: string): void {
    const l = this.listeners[pickN % Math.max(1, this.listeners.length)];
    if (!l) return;
    const h = this.h('A', l.handle);
    this.emit('A', `sleep ${SETTLE_MS}`);
    this.emit('A', how === 'select' ? `select 0 ${h}:rwe` : `poll 0 ${h}:inout`);
  }

  private timeout(at: End, ms: number): void {
    if (at.closed || at.murky || at.pending > 0 || at.finIn || at.shutRd || this.timeoutsUsed >= 2) return;
    this.timeoutsUsed++;
    const h = this.h(at.side, at.handle);
    this.emit(at.side, `setopt ${h} rcvtimeo ${ms}`);
    this.emit(at.side, `getopt ${h} rcvtimeo`);
    this.emit(at.side, `read ${h} 100`);
    // (Multiples of 20 ms: Linux rounds SO_RCVTIMEO up to its timer tick,
    // and 20 ms is a whole number of ticks at HZ 100, 250, 300 and 1000.)
    this.emit(at.side, `setopt ${h} rcvtimeo 0`);
  }

  private options(at: End, name: string, value: number): void {
    if (at.closed) return;
    const h = this.h(at.side, at.handle);
    const v = name === 'linger' ? (value < 0 ? -1 : value + 1) : name === 'rcvtimeo' || name === 'sndtimeo' ? value * 1000 + 1000 : value === 0 ? 0 : 1;
    this.emit(at.side, `setopt ${h} ${name} ${v}`);
    this.emit(at.side, `getopt ${h} ${name}`);
    // A receive timeout changes what a blocking read does: put it back.
    if (name === 'rcvtimeo' || name === 'sndtimeo') this.emit(at.side, `setopt ${h} ${name} 0`);
  }

  /** Opens and closes sockets, so descriptor numbers and slots are taken and freed out of order. */
  private churn(s: Side, count: number, udp: boolean): void {
    const taken: number[] = [];
    for (let i = 0; i < count; i++) {
      const handle = this.take(s);
      if (handle === null) break;
      taken.push(handle);
      this.emit(s, this.sock(s, 'socket', handle, udp && i % 2 === 0 ? ' udp4' : ' tcp4'));
    }
    for (let i = 0; i < taken.length; i++) {
      const handle = taken[(i * 5) % taken.length];
      if (!this.used[s].has(handle)) continue;
      this.emit(s, this.sock(s, 'close', handle));
      this.free(s, handle);
    }
  }

  private staleOp(s: Side, op: 'read' | 'write' | 'close' | 'sockname'): void {
    const handle = this.stale[s];
    // Only while no live handle may have taken its number (in the single
    // form both sides share one descriptor table): then the answer is EBADF.
    const live = this.form === 'single' ? this.used.A.size + this.used.B.size : this.used[s].size;
    if (handle === null || live > 0) return;
    const h = this.h(s, handle);
    this.emit(s, op === 'read' ? `recv ${h} 10 dontwait` : op === 'write' ? `write ${h} 10` : `${op} ${h}`);
  }

  private udp(s: { family: Family; n: number; count: number; connected: boolean; truncate: boolean }): void {
    const port = this.port();
    const rx = this.take('A');
    const tx = this.take('B');
    if (port === null || rx === null || tx === null) {
      if (rx !== null) this.used.A.delete(rx);
      if (tx !== null) this.used.B.delete(tx);
      return;
    }
    const fam = `udp${s.family}`;
    this.emit('A', this.sock('A', 'socket', rx, ` ${fam}`));
    this.emit('A', this.sock('A', 'bind', rx, ` lo p${port}`));
    this.emit('B', this.sock('B', 'socket', tx, ` ${fam}`));
    if (s.connected) {
      this.emit('B', this.sock('B', 'connect', tx, ` lo p${port}`));
      this.emit('B', this.sock('B', 'peername', tx));
    }
    for (let i = 0; i < s.count; i++) {
      const n = s.n + i;
      this.emit('B', s.connected ? this.sock('B', 'send', tx, ` ${n} -`) : this.sock('B', 'sendto', tx, ` lo p${port} ${n}`));
    }
    const hrx = this.h('A', rx);
    for (let i = 0; i < s.count; i++) {
      const n = s.n + i;
      // A zero-length datagram is invisible to a peek-based settle: poll instead.
      this.emit('A', `poll ${EVENT_MS} ${hrx}:in`);
      this.emit('A', `recvfrom ${hrx} ${s.truncate ? Math.floor(n / 2) : n + 10} -`);
    }
    this.emit('A', `recv ${hrx} 100 dontwait`);
    this.emit('A', this.sock('A', 'close', rx));
    this.free('A', rx);
    this.emit('B', this.sock('B', 'close', tx));
    this.free('B', tx);
  }

  private misuse(s: Side, op: string): void {
    const handle = this.take(s);
    if (handle === null) return;
    const h = this.h(s, handle);
    switch (op) {
      case 'listenUdp':
        this.emit(s, `socket ${h} udp4`);
        this.emit(s, `listen ${h} 1`);
        break;
      case 'acceptUnlistened':
        this.emit(s, `socket ${h} tcp4`);
        this.emit(s, `nonblock ${h} 1`);
        this.emit(s, `accept ${h} ${h}`);
        break;
      case 'readUnconnected':
        this.emit(s, `socket ${h} tcp4`);
        this.emit(s, `recv ${h} 10 dontwait`);
        this.emit(s, `write ${h} 10`);
        this.emit(s, `peername ${h}`);
        break;
      case 'connectTwice': {
        this.emit(s, `socket ${h} tcp4`);
        this.emit(s, `shutdown ${h} wr`);
        this.emit(s, `connect ${h} lo p7`);
        break;
      }
      case 'bindTwice': {
        const port = this.port();
        if (port === null) break;
        this.emit(s, `socket ${h} tcp4`);
        this.emit(s, `bind ${h} lo p${port}`);
        this.emit(s, `bind ${h} lo p${port}`);
        break;
      }
      case 'sendtoTcp':
        this.emit(s, `socket ${h} tcp4`);
        this.emit(s, `sendto ${h} lo p7 5`);
        break;
      case 'sendtoPortZero':
        this.emit(s, `socket ${h} udp4`);
        this.emit(s, `sendto ${h} lo 0 5`);
        this.emit(s, `sockname ${h}`);
        break;
      case 'v6onlyAfterBind': {
        const port = this.port();
        if (port === null) break;
        this.emit(s, `socket ${h} tcp6`);
        this.emit(s, `setopt ${h} v6only 1`);
        this.emit(s, `getopt ${h} v6only`);
        this.emit(s, `bind ${h} lo p${port}`);
        this.emit(s, `setopt ${h} v6only 0`);
        this.emit(s, `getopt ${h} v6only`);
        break;
      }
    }
    this.emit(s, `close ${h}`);
    this.free(s, handle);
  }

  // --- issue #15's calls: dup, pipe, epoll ------------------------------------

  /**
   * dup or dup2 of a connection's end, something done through the new
   * number, then one of the two numbers closed: the connection stays open
   * (no FIN), and the model's end goes on under the number kept.
   */
  private dup(c: Conn, s: { at: Side; exact: boolean; act: DupAct; keep: 'orig' | 'dup'; n: number }): void {
    const me = this.endOf(c, s.at);
    const peer = this.endOf(c, other(s.at));
    if (me.closed) return;
    const nh = this.take(s.at);
    if (nh === null) return;
    const orig = me.handle;
    // dup2 onto a number no handle holds (live descriptors stay below 24).
    this.emit(s.at, s.exact ? this.sock(s.at, 'dup2', orig, ` ${this.h(s.at, nh)} ${24 + this.h(s.at, nh)}`) : this.sock(s.at, 'dup', orig, ` ${this.h(s.at, nh)}`));
    me.handle = nh;
    switch (s.act) {
      case 'send': this.send(me, peer, s.n, 'write'); break;
      case 'recv': this.recv(me, s.n, 'readn'); break;
      case 'shutdown': this.shutdown(c, s.at, 'wr'); break;
      case 'poll': this.observe(me, 'poll'); break;
      case 'none': break;
    }
    me.handle = orig;
    const [kept, dropped] = s.keep === 'dup' ? [nh, orig] : [orig, nh];
    this.emit(s.at, this.sock(s.at, 'close', dropped));
    this.free(s.at, dropped);
    me.handle = kept;
    // The number kept still works: a look at it shows the connection open.
    if (s.act === 'none') this.observe(me, 'poll');
  }

  private openPipe(side: Side): Pipe | null {
    const r = this.take(side);
    const w = r === null ? null : this.take(side);
    if (r === null || w === null) {
      if (r !== null) this.used[side].delete(r);
      return null;
    }
    this.emit(side, `pipe ${this.h(side, r)} ${this.h(side, w)}`);
    const p: Pipe = { side, r, w, pending: 0 };
    this.pipes.push(p);
    return p;
  }

  private closePipeEnd(p: Pipe, end: 'r' | 'w'): void {
    const handle = p[end];
    if (handle === null) return;
    this.emit(p.side, `close ${this.h(p.side, handle)}`);
    this.free(p.side, handle);
    p[end] = null;
    if (p.r === null && p.w === null) this.pipes = this.pipes.filter((x) => x !== p);
  }

  /** A read that the model knows returns at once: data, end of file, or EAGAIN on a non-blocking look. */
  private readPipe(p: Pipe, n: number): void {
    if (p.r === null) return;
    const r = this.h(p.side, p.r);
    if (p.pending > 0 || p.w === null) {
      this.emit(p.side, `read ${r} ${n}`);
      p.pending -= Math.min(n, p.pending);
    } else {
      this.emit(p.side, `nonblock ${r} 1`);
      this.emit(p.side, `read ${r} ${n}`);
      this.emit(p.side, `nonblock ${r} 0`);
    }
  }

  private writePipe(p: Pipe, via: number, n: number): void {
    const w = this.h(p.side, via);
    if (p.r === null) {
      // No reader: EPIPE (SIGPIPE is ignored by the interpreter).
      this.emit(p.side, `write ${w} ${n}`);
      return;
    }
    n = Math.min(n, PIPE_PENDING - p.pending);
    if (n <= 0) return;
    this.emit(p.side, `write ${w} ${n}`);
    p.pending += n;
  }

  private pipe(s: { pick: number; at: Side; act: PipeAct; n: number }): void {
    const mine = this.pipes.filter((p) => p.side === s.at);
    if (s.act === 'open' || mine.length === 0) {
      this.openPipe(s.at);
      return;
    }
    const p = mine[s.pick % mine.length];
    const r = p.r === null ? null : this.h(p.side, p.r);
    const w = p.w === null ? null : this.h(p.side, p.w);
    switch (s.act) {
      case 'write': if (p.w !== null) this.writePipe(p, p.w, s.n); return;
      case 'read': return this.readPipe(p, s.n);
      case 'drain':
        if (r === null) return;
        if (p.w === null) this.emit(p.side, `readn ${r} ${p.pending + 1}`);
        else if (p.pending > 0) this.emit(p.side, `readn ${r} ${p.pending}`);
        p.pending = 0;
        return;
      case 'closeW': return this.closePipeEnd(p, 'w');
      case 'closeR': return this.closePipeEnd(p, 'r');
      case 'poll': {
        const ends = [r === null ? null : `${r}:in`, w === null ? null : `${w}:out`].filter((x) => x !== null);
        if (ends.length > 0) this.emit(p.side, `poll 0 ${ends.join(',')}`);
        return;
      }
      case 'select': {
        const ends = [r === null ? null : `${r}:r`, w === null ? null : `${w}:we`].filter((x) => x !== null);
        if (ends.length > 0) this.emit(p.side, `select 0 ${ends.join(',')}`);
        return;
      }
      case 'dupW': {
        // A second write end: closing one of the two is no end of file.
        if (p.w === null) return;
        const nh = this.take(p.side);
        if (nh === null) return;
        const d = this.h(p.side, nh);
        this.emit(p.side, `dup ${w} ${d}`);
        this.writePipe(p, nh, s.n);
        const [kept, dropped] = s.n % 2 === 0 ? [nh, p.w] : [p.w, nh];
        this.emit(p.side, `close ${this.h(p.side, dropped)}`);
        this.free(p.side, dropped);
        p.w = kept;
        this.readPipe(p, s.n + 1);
        return;
      }
      case 'misuse':
        // Socket calls on a pipe (ENOTSOCK) and each end used the wrong way (EBADF).
        if (r !== null) {
          this.emit(p.side, `recv ${r} 10 dontwait`);
          this.emit(p.side, `sockname ${r}`);
          this.emit(p.side, `write ${r} 5`);
        }
        if (w !== null) {
          this.emit(p.side, `shutdown ${w} wr`);
          this.emit(p.side, `getopt ${w} keepalive`);
          this.emit(p.side, `read ${w} 5`);
        }
        return;
    }
  }

  /** What an epoll instance of side `at` may watch: its open connection ends, listeners and pipe ends. */
  private watchable(at: Side): { handle: number; end?: End }[] {
    const out: { handle: number; end?: End }[] = [];
    for (const c of this.live()) {
      const end = this.endOf(c, at);
      if (c.accepted && !end.closed) out.push({ handle: end.handle, end });
    }
    if (at === 'A') for (const l of this.listeners) if (l.open) out.push({ handle: l.handle });
    for (const p of this.pipes) {
      if (p.side !== at) continue;
      if (p.r !== null) out.push({ handle: p.r });
      if (p.w !== null) out.push({ handle: p.w });
    }
    return out;
  }

  private epoll(s: { pick: number; at: Side; act: EpollAct; want: 'in' | 'out' | 'inout'; flags: EpollFlag[]; ms: number }): void {
    let e = this.epolls.find((x) => x.side === s.at);
    if (!e) {
      const handle = this.take(s.at);
      if (handle === null) return;
      this.emit(s.at, `epoll ${this.h(s.at, handle)}`);
      e = { side: s.at, handle, regs: new Map() };
      this.epolls.push(e);
    }
    const eh = this.h(s.at, e.handle);
    const events = [...(s.want === 'inout' ? ['in', 'out'] : [s.want]), ...s.flags].join('+');
    const targets = this.watchable(s.at);
    const registered = targets.filter((t) => e.regs.has(t.handle));
    const ctl = (op: 'add' | 'mod' | 'del', handle: number) => this.emit(s.at, `ectl ${eh} ${op} ${this.h(s.at, handle)} ${op === 'del' ? '-' : events}`);
    switch (s.act) {
      case 'add': {
        // Mostly what is not registered yet; now and then the same twice (EEXIST).
        const fresh = targets.filter((t) => !e.regs.has(t.handle));
        const t = fresh.length > 0 && s.pick % 5 !== 0 ? fresh[s.pick % fresh.length] : targets[s.pick % Math.max(1, targets.length)];
        if (!t) return;
        ctl('add', t.handle);
        if (!e.regs.has(t.handle)) e.regs.set(t.handle, events);
        return;
      }
      case 'mod':
      case 'del': {
        const t = registered[s.pick % Math.max(1, registered.length)] ?? targets[s.pick % Math.max(1, targets.length)];
        if (!t) return;
        ctl(s.act, t.handle);
        if (s.act === 'mod' && e.regs.has(t.handle)) e.regs.set(t.handle, events);
        if (s.act === 'del') e.regs.delete(t.handle);
        return;
      }
      case 'wait':
      case 'pollEpoll': {
        if (registered.length === 0 && targets.length > 0) {
          const t = targets[s.pick % targets.length];
          ctl('add', t.handle);
          e.regs.set(t.handle, events);
        }
        // What the wait reports must have arrived by then on both
        // platforms: the bytes the model knows are coming, and (a pause)
        // FINs, resets and connections on their way.
        for (const t of this.watchable(s.at)) {
          if (!e.regs.has(t.handle) || !t.end) continue;
          const end = t.end;
          this.settle(end);
          if (end.pending > 0 && !end.murky && !end.shutRd) this.emit(s.at, `settle ${this.h(s.at, end.handle)} ${end.pending} ${EVENT_MS}`);
        }
        this.emit(s.at, `sleep ${SETTLE_MS}`);
        this.emit(s.at, s.act === 'wait' ? `ewait ${eh} 16 ${s.ms}` : `poll ${s.ms} ${eh}:in`);
        return;
      }
      case 'close':
        this.emit(s.at, `close ${eh}`);
        this.free(s.at, e.handle);
        this.epolls = this.epolls.filter((x) => x !== e);
        return;
    }
  }

  /** Whatever is still open stays open: the program exits with it (a kernel closes it then). */
  finish(): void {}
}

function other(s: Side): Side {
  return s === 'A' ? 'B' : 'A';
}

/** Turns steps into a script: one program, or a server (side A) and a client (side B) with barriers. */
export function lower(steps: readonly Step[], form: 'single' | 'pair'): Script {
  const l = new Lowering(form);
  for (const s of steps) l.step(s);
  l.finish();
  const tags = [...l.tags];
  if (form === 'single') return { kind: 'single', ops: l.ops.map((o) => o.op), tags };
  // Pair: a barrier wherever the acting side changes, so each program's
  // calls happen after the other's earlier calls returned, as in the
  // single-process order. (What the calls set in motion — bytes, FIN —
  // may still be on its way; the model's settles cover that.) Only the side
  // that acts next waits at a barrier: `sync K` returns once the other
  // program reached a barrier numbered K or more, or ended. A last barrier
  // on both sides keeps either program from exiting before the other is
  // done (exit closes its sockets: that is a step of its own, not a race).
  const server: string[] = [];
  const client: string[] = [];
  let barrier = 0;
  let last: Side | null = null;
  for (const { side: s, op } of l.ops) {
    if (last !== null && s !== last) (s === 'A' ? server : client).push(`sync ${++barrier}`);
    (s === 'A' ? server : client).push(op);
    last = s;
  }
  barrier++;
  server.push(`sync ${barrier}`);
  client.push(`sync ${barrier}`);
  return { kind: 'pair', server, client, tags };
}

/** The script as one argument per program (what `scenario` takes). */
export function scriptText(ops: readonly string[]): string {
  return ops.join(';');
}
