// The chat example driven through stdin: chat_server (select) with at most
// two clients, each step waiting for what the previous one must have
// caused, so the transcript is fixed. The clients are chat_client (poll) or
// chat_thread_client (a reading and a writing thread).

import { expect } from 'vitest';
import type { HostMode } from './host-mode.js';
import { freePort, normalisePort, start, waitForBound, waitForOutput, type Build } from './programs.js';

const TIMEOUT_MS = 30_000;

export interface ChatTranscript {
  server: { code: number | null; stdout: string };
  alice: { code: number | null; stdout: string };
  bob: { code: number | null; stdout: string };
}

/**
 * Server (at most 2 clients, then it exits) and two clients. Each step waits
 * for what the previous one must have caused, so the transcript is fixed:
 * Alice joins, Bob joins, each says one line and sees the other's, Alice
 * leaves (end of her stdin), Bob sees it and leaves.
 */
export async function chat(server: Build, clients: Build, options: { client?: string; hostMode?: HostMode } = {}): Promise<ChatTranscript> {
  const client = options.client ?? 'chat_client';
  const hostMode = options.hostMode;
  const port = await freePort();
  const s = start(server, 'chat_server', [String(port), '2'], { timeoutMs: TIMEOUT_MS, hostMode });
  let exited = false;
  void s.done.then(() => (exited = true));
  await waitForBound(port, 'tcp', 10_000, () => !exited);
  const connect = [ '127.0.0.1', String(port) ];

  const alice = start(clients, client, connect, { timeoutMs: TIMEOUT_MS, hostMode });
  await waitForOutput(alice, '* welcome, you are client 1\n');
  const bob = start(clients, client, connect, { timeoutMs: TIMEOUT_MS, hostMode });
  await waitForOutput(bob, '* welcome, you are client 2\n');
  await waitForOutput(alice, '* client 2 joined\n');

  alice.child.stdin!.write('hello from alice\n');
  await waitForOutput(bob, 'client 1: hello from alice\n');
  bob.child.stdin!.write('hi alice, bob here\n');
  await waitForOutput(alice, 'client 2: hi alice, bob here\n');

  alice.child.stdin!.end();
  const aliceDone = await alice.done;
  await waitForOutput(bob, '* client 1 left\n');
  bob.child.stdin!.end();
  const bobDone = await bob.done;
  const serverDone = await s.done;

  for (const [who, r] of [['server', serverDone], ['alice', aliceDone], ['bob', bobDone]] as const) {
    expect(r.stderr, `${who}'s stderr`).toBe('');
  }
  return {
    server: { code: serverDone.code, stdout: normalisePort(serverDone.stdout, port) },
    alice: { code: aliceDone.code, stdout: aliceDone.stdout },
    bob: { code: bobDone.code, stdout: bobDone.stdout },
  };
}

