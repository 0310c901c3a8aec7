// JSPI mode's suspension machinery without an engine that has JSPI: an
// import over blockUntil and control calls, wrapped by Replay, answers at
// once when nothing waits and with a promise otherwise; a re-run after the
// wait replays every earlier result instead of doing the work again, and a
// timeout answers from the state the waiting check built up.

import { describe, expect, it } from 'vitest';
import { Arena } from '../host/src/bridge/arena.js';
import { wakeGuest, markDirty } from '../host/src/bridge/signals.js';
import { blockUntil, TIMED_OUT } from '../host/src/wasi/blocking.js';
import { Replay } from '../host/src/jspi/replay.js';
import { JspiLink } from '../host/src/jspi/link.js';
import { DirectControl } from '../host/src/jspi/direct-control.js';
import type { SocketHost } from '../host/src/io/socket-host.js';
import type { ControlReply } from '../host/src/bridge/control.js';

function setup(reply: (op: string) => ControlReply | Promise<ControlReply>) {
  const arena = Arena.create({ maxSockets: 4, ringBytes: 4096 }, { shared: false });
  const calls: string[] = [];
  const touched: number[] = [];
  const host = {
    call: (op: string) => {
      calls.push(op);
      return reply(op);
    },
    touched: (slot: number) => touched.push(slot),
  } as unknown as SocketHost;
  const replay = new Replay();
  const link = new JspiLink(host, replay);
  arena.sameThread = link;
  return { arena, calls, touched, replay, link, control: new DirectControl(host, replay) };
}

describe('JSPI replay', () => {
  it('an import that does not wait returns its value, not a promise', () => {
    const { arena, replay, control, calls } = setup(() => ({ errno: 0, slot: 1 }));
    const imp = replay.wrap((x: number) => {
      const r = control.call('open');
      const v = blockUntil(arena, Infinity, () => 5);
      return x + (r.slot as number) + (v as number);
    });
    expect(imp(10)).toBe(16);
    expect(calls).toEqual(['open']);
  });

  it('waits for a wake-up, then re-runs with recorded results: each control call happens once', async () => {
    const { arena, replay, control, calls } = setup((op) => (op === 'connect' ? Promise.resolve({ errno: 0, local: 'L' }) : { errno: 0, slot: 2 }));
    let ready = false;
    let checks = 0;
    let runs = 0;
    const imp = replay.wrap(() => {
      runs++;
      const opened = control.call('open');
      const connected = control.call('connect');
      const got = blockUntil(arena, Infinity, () => {
        checks++;
        return ready ? 7 : undefined;
      });
      return (opened.slot as number) * 100 + (connected.local === 'L' ? 10 : 0) + (got as number);
    });
    const first = imp();
    expect(first).toBeInstanceOf(Promise);
    await new Promise((r) => setTimeout(r, 20));
    ready = true;
    wakeGuest(arena);
    await expect(first).resolves.toBe(217);
    expect(calls).toEqual(['open', 'connect']);
    // once before waiting, once after the wake-up; the re-run replays it
    expect(checks).toBe(2);
    expect(runs).toBe(3);
  });

  it('a timeout answers from what the waiting check did, not from the re-run', async () => {
    const { arena, replay } = setup(() => ({ errno: 0 }));
    const imp = replay.wrap(() => {
      let moved = 0;
      return blockUntil(arena, 60, () => {
        moved += 3;
        return undefined;
      }, () => moved);
    });
    const started = performance.now();
    const r = imp();
    expect(r).toBeInstanceOf(Promise);
    expect(await r).toBeGreaterThanOrEqual(3);
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
    // The plain form still reports TIMED_OUT.
    const plain = replay.wrap(() => (blockUntil(arena, 20, () => undefined) === TIMED_OUT ? 1 : 0));
    expect(await plain()).toBe(1);
  });

  it('a zero timeout is a plain poll, with no promise', () => {
    const { arena, replay } = setup(() => ({ errno: 0 }));
    const imp = replay.wrap(() => (blockUntil(arena, 0, () => undefined) === TIMED_OUT ? 11 : 0));
    expect(imp()).toBe(11);
  });

  it('a wake-up during the check is not lost: the check runs again without sleeping', async () => {
    const { arena, replay } = setup(() => ({ errno: 0 }));
    let n = 0;
    const imp = replay.wrap(() => blockUntil(arena, 5000, () => {
      n++;
      if (n === 1) {
        wakeGuest(arena);
        return undefined;
      }
      return 42;
    }));
    const started = performance.now();
    expect(await imp()).toBe(42);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('a dirty slot reaches the state machine at once, with no doorbell', () => {
    const { arena, touched } = setup(() => ({ errno: 0 }));
    markDirty(arena, 3);
    expect(touched).toEqual([3]);
    expect(Atomics.load(arena.words, 2 /* H.DOORBELL */)).toBe(0);
  });

  it('a stopped guest is never resumed', async () => {
    const { arena, replay, link } = setup(() => ({ errno: 0 }));
    let resumed = false;
    const imp = replay.wrap(() => {
      const v = blockUntil(arena, Infinity, () => (resumed ? 1 : undefined));
      return v === 1 ? 1 : 0;
    });
    const p = imp() as Promise<number>;
    link.stop();
    replay.stop();
    resumed = true;
    wakeGuest(arena);
    const outcome = await Promise.race([p.then(() => 'resumed'), new Promise((r) => setTimeout(() => r('still suspended'), 50))]);
    expect(outcome).toBe('still suspended');
  });

  it('a blocking call outside a wrapped import is a host error, not a silent hang', () => {
    const { arena } = setup(() => ({ errno: 0 }));
    expect(() => blockUntil(arena, Infinity, () => undefined)).toThrow(/outside a suspending import/);
  });

  it('green threads: several calls suspended at once each keep their own log, and wait for their turn', async () => {
    const { arena, replay, control, calls } = setup((op) => (op.startsWith('slow') ? new Promise((r) => setTimeout(() => r({ errno: 0, op }), op === 'slow1' ? 40 : 10)) : { errno: 0, op }));
    const order: string[] = [];
    const turns: string[] = [];
    replay.turns = {
      suspended: () => {
        turns.push('suspended');
        return turns.length;
      },
      turn: (token) => {
        turns.push(`turn ${String(token)}`);
        return null;
      },
    };
    const imp = replay.wrap((name: number) => {
      const fast = control.call(`fast${name}`);
      const slow = control.call(`slow${name}`);
      const got = blockUntil(arena, Infinity, () => name * 10);
      order.push(`ran ${name}`);
      return `${String(fast.op)} ${String(slow.op)} ${String(got)}`;
    });
    const first = imp(1);
    const second = imp(2);
    // A plain call in between does not disturb the suspended ones' logs.
    expect(replay.wrap(() => (control.call('plain').op as string) + String(blockUntil(arena, 0, () => 'x')))()).toBe('plainx');
    expect(first).toBeInstanceOf(Promise);
    expect(second).toBeInstanceOf(Promise);
    await expect(second).resolves.toBe('fast2 slow2 20');
    await expect(first).resolves.toBe('fast1 slow1 10');
    expect(order).toEqual(['ran 2', 'ran 1']);
    expect(calls).toEqual(['fast1', 'slow1', 'fast2', 'slow2', 'plain']);
    // Each suspended call asks for its turn with its own token before its re-run.
    expect(turns).toEqual(['suspended', 'suspended', 'turn 2', 'turn 1']);
  });
});
