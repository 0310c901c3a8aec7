// pthreads as green threads (issue #15; README "Threads"): the thread
// programs in c-src/tests and the chat client with a reading and a writing
// thread, natively and as wasm in JSPI host mode (Node 26, here or in
// .node26/), must print the same. In worker mode pthread_create fails with
// one stderr line saying threads need JSPI.

import { describe, expect, it, beforeAll } from 'vitest';
import { chat, type ChatTranscript } from './helpers/chat.js';
import { jspiAvailable } from './helpers/host-mode.js';
import { assertBuilt, PAIRINGS, run, runPair, type Build, type PairResult } from './helpers/programs.js';

const TIMEOUT_MS = 60_000;

/** Single-process thread programs (c-src/tests). */
const SINGLE = ['thread_counters', 'thread_lifecycle', 'thread_pipe'];

const jspi = describe.skipIf(!jspiAvailable());

jspi.concurrent('thread programs in JSPI mode print what they print natively', () => {
  for (const name of SINGLE) {
    it(name, async () => {
      assertBuilt(name);
      const options = { stdin: '', timeoutMs: TIMEOUT_MS, hostMode: 'jspi' as const };
      const [native, wasm] = await Promise.all([run('native', name, [], options), run('wasm', name, [], options)]);
      expect(native.code, `native run failed: ${native.stdout}${native.stderr}`).toBe(0);
      expect(native.stdout).not.toBe('');
      expect({ code: wasm.code, stdout: wasm.stdout, stderr: wasm.stderr }).toEqual({ code: 0, stdout: native.stdout, stderr: '' });
    }, TIMEOUT_MS);
  }
});

function sides(result: PairResult) {
  return {
    server: { code: result.server.code, stdout: result.server.stdout },
    client: { code: result.client.code, stdout: result.client.stdout },
  };
}

jspi('thread-per-client echo server + 50 client threads at once, JSPI mode', () => {
  const names = { server: 'thread_echo_server', client: 'thread_echo_client' };
  const args = (port: number) => [String(port), '50', '20'];
  const runOne = (pairing: { server: Build; client: Build }) =>
    runPair(pairing, names, { server: args, client: args }, 'tcp', { timeoutMs: TIMEOUT_MS, hostMode: 'jspi' });
  let native: ReturnType<typeof sides>;

  beforeAll(async () => {
    assertBuilt(names.server);
    assertBuilt(names.client);
    native = sides(await runOne(PAIRINGS[0]));
  }, 120_000);

  it('the native pair holds 50 clients at once', () => {
    expect(native).toEqual({
      server: { code: 0, stdout: 'served 50 clients, 50 at once, 17300 bytes echoed, 0 errors\n' },
      client: { code: 0, stdout: '50 clients connected at once; 50 of them got all 20 echoes back\n' },
    });
  });

  for (const pairing of PAIRINGS.slice(1)) {
    it(`${pairing.name}: each side prints what it prints in the native pair`, async () => {
      const result = await runOne(pairing);
      expect({ got: sides(result), stderr: { server: result.server.stderr, client: result.client.stderr } }).toEqual({
        got: native,
        stderr: { server: '', client: '' },
      });
    }, 120_000);
  }
});

jspi('chat_server + two chat_thread_clients (a reading and a writing thread), JSPI mode', () => {
  let native: ChatTranscript;

  beforeAll(async () => {
    assertBuilt('chat_server');
    assertBuilt('chat_thread_client');
    native = await chat('native', 'native', { client: 'chat_thread_client' });
  }, 60_000);

  it('the native run goes as chat_client\'s does', async () => {
    expect(native.alice).toEqual({ code: 0, stdout: '* welcome, you are client 1\n* client 2 joined\nclient 2: hi alice, bob here\n' });
    expect(native.bob).toEqual({ code: 0, stdout: '* welcome, you are client 2\nclient 1: hello from alice\n* client 1 left\n' });
  });

  for (const pairing of PAIRINGS.slice(1)) {
    it(`${pairing.name.replace('client', 'clients')}: every participant prints what it prints natively`, async () => {
      expect(await chat(pairing.server, pairing.client, { client: 'chat_thread_client', hostMode: 'jspi' })).toEqual(native);
    }, 60_000);
  }
});

describe('worker mode: no threads', () => {
  it('pthread_create fails with one stderr line that says what to use', async () => {
    assertBuilt('thread_echo_client');
    const r = await run('wasm', 'thread_echo_client', ['9', '3'], { stdin: '', timeoutMs: TIMEOUT_MS, hostMode: 'worker' });
    expect(r).toMatchObject({ code: 1, stdout: 'pthread_create() error\n' });
    expect(r.stderr).toBe(
      'wasock: pthread_create: threads need the JSPI host mode (Node >= 25, Chromium >= 137, or --host-mode=jspi on Node 24 with --experimental-wasm-jspi); this run uses worker mode\n',
    );
  });
});
