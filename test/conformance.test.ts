// The conformance suite (issue #3): every program in c-src/tests, built
// natively and as wasm, must behave identically. Single-process programs
// run once each way and must print the same stdout and exit with the same
// code; two-sided programs run in all four server/client pairings and each
// side must print what it prints in the native pair. The chat example is
// driven through stdin pipes.
//
// Every program prints only what is deterministic (no ephemeral ports, no
// timings, errno by name), and picks its own ports (port 0) or gets a free
// one from the harness, so the cases run in parallel.

import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, beforeAll } from 'vitest';
import { chat, type ChatTranscript } from './helpers/chat.js';
import {
  assertBuilt,
  PAIRINGS,
  portIsFree,
  ROOT,
  run,
  runPair,
  type Build,
  type Finished,
  type PairResult,
} from './helpers/programs.js';

/**
 * Single-process programs: one behaviour each, both ends inside the program.
 * `file`: the program gets the path of a file with this content as its
 * argument (the wasm run sees the file's directory through --dir).
 */
const SINGLE: { name: string; stdin?: string; file?: string }[] = [
  { name: 'poll_mixed' },
  { name: 'select_mixed' },
  { name: 'poll_hup' },
  { name: 'poll_nval' },
  { name: 'poll_timeout' },
  { name: 'select_stdin', stdin: 'first line\nsecond line\nthird line\n' },
  { name: 'select_exceptfds' },
  { name: 'nonblock_connect' },
  { name: 'nonblock_eagain' },
  { name: 'msg_dontwait' },
  { name: 'gai_names' },
  { name: 'gai_errors' },
  { name: 'gethostbyname_localhost' },
  { name: 'inet_pton_ntop' },
  { name: 'inet_funcs' },
  { name: 'netdb_numeric' },
  { name: 'ipv6_loopback' },
  { name: 'ipv6_any_v6only' },
  { name: 'sockopt_flags' },
  { name: 'sockopt_values' },
  { name: 'sockopt_level_mismatch' },
  // WAMR's option imports (issue #11): keep-alive timing, TCP flags, multicast options without traffic.
  { name: 'sockopt_tcp_keepalive' },
  { name: 'sockopt_tcp_flags' },
  { name: 'sockopt_multicast' },
  { name: 'rcvtimeo' },
  { name: 'msg_peek' },
  { name: 'half_close' },
  { name: 'shutdown_modes' },
  { name: 'readv_writev' },
  { name: 'udp_connected' },
  { name: 'udp_truncate' },
  { name: 'eof_read' },
  { name: 'econnreset' },
  { name: 'epipe_nosignal' },
  { name: 'sockname' },
  { name: 'err_connrefused' },
  { name: 'err_addrinuse' },
  { name: 'err_badf' },
  { name: 'err_notsock', file: 'not a socket\n' },
  { name: 'err_notconn' },
  { name: 'err_isconn' },
  { name: 'err_inval' },
  { name: 'err_afnosupport' },
  // A listener closed and reopened on its port: the old connections' last events never reach the new ones.
  { name: 'listener_reopen' },
  // Issue #15: the socket constants print Linux's numbers, and the calls take them.
  { name: 'socket_constants' },
  // dup/dup2/dup3/fcntl(F_DUPFD): two numbers, one socket; the textbook's half-close through a dup.
  { name: 'dup_half_close', file: 'abcdefgh\n' },
  // pipe/pipe2 inside a program: order, EAGAIN, select/poll, EOF at the last writer, EPIPE.
  { name: 'pipe_basic' },
  // gethostbyaddr(127.0.0.1) and reverse getnameinfo: named from the hosts table as natively.
  { name: 'gethostbyaddr_loopback' },
  // epoll: ctl/wait errnos, level vs edge, ONESHOT, RDHUP/HUP, listeners, pipes, stdin at EOF, dup and close, maxevents, nesting.
  { name: 'epoll_rules', file: 'a regular file (EPERM)\n' },
  // A signal ends epoll_wait with EINTR, SA_RESTART or not.
  { name: 'epoll_signal' },
];

/** Two-sided programs: NAME_server PORT [args] and NAME_client PORT [args] (or `client` PORT [args]). */
const PAIRS: { name: string; client?: string; args?: string[]; timeoutMs?: number; after?: (port: number, result: PairResult) => Promise<void> }[] = [
  { name: 'waitall' },
  { name: 'bigwrite' },
  { name: 'poll_1000', args: ['1000'], timeoutMs: 60_000 },
  { name: 'peer_close' },
  { name: 'reset_midstream' },
  { name: 'exit_unread' },
  { name: 'integrity', args: ['3M'] },
  { name: 'echo_load', args: ['50', '2'] },
  // The client closes first and reconnects at once on the same descriptor (commit 5555577).
  { name: 'reconnect' },
  // The textbook's epoll echo servers, level- and edge-triggered (4-byte reads), with 5 clients at once.
  { name: 'epoll_lt', client: 'epoll_echo_client', args: ['5'], timeoutMs: 60_000 },
  { name: 'epoll_et', client: 'epoll_echo_client', args: ['5'], timeoutMs: 60_000 },
  {
    name: 'exit_open',
    // The server exited without closing its listening socket: the port must be free again at once.
    after: async (port) => expect(await portIsFree(port, 'tcp')).toBe(true),
  },
];

/** Programs in c-src/tests that are not native-vs-wasm comparisons, and where they are tested instead. */
const ELSEWHERE: Record<string, string> = {
  abi_layout: 'wasm only; test/abi-layout.test.ts',
  wasm_socket_flood: 'the host\'s --max-sockets cap; test/host-limits.test.ts',
  wasm_never_reads: 'host memory under a flood; test/host-limits.test.ts',
  wasm_trap_open: 'a trap with sockets open; test/host-lifecycle.test.ts',
  wasm_exit_busy: 'exit() with sockets busy; test/host-lifecycle.test.ts',
  wasm_policy_bypass: 'the network policy against bypass attempts; test/policy-bypass.test.ts',
  scenario: 'the differential fuzzer; test/diff/',
  fs_rw: 'file programs under --dir; test/fs-conformance.test.ts',
  fs_dir: 'file programs under --dir; test/fs-conformance.test.ts',
  fs_errnos: 'file programs under --dir; test/fs-conformance.test.ts',
  fs_poll_files: 'file programs under --dir; test/fs-conformance.test.ts',
  fs_host_change: 'file programs under --dir; test/fs-conformance.test.ts',
  fs_big: 'host memory while a guest writes 1 GiB; test/fs-memory.test.ts',
  wasm_tcplisten: 'listeners the host preopens (--tcplisten); test/tcplisten.test.ts',
  wasm_bind_linger: "linger after bind on a host that behaves as iwasm; test/iwasm-linger.test.ts",
  wasm_multicast_policy: 'multicast joins under the network policy; test/multicast.test.ts',
  wasm_keepidle: "TCP_KEEPIDLE reaching the host's socket (ss); test/keepidle.test.ts",
  oob_refused: 'MSG_OOB: native and wasm differ by design, each held to its own transcript; test/refused-calls.test.ts',
  fork_echo_server: "fork() refused with wasock's line; test/refused-calls.test.ts",
  path_hint: 'reads files by relative path (natively from its working directory); test/path-hint.test.ts',
  wamr_abi: "WAMR's 52 imports called directly, native (over POSIX) vs wasm; test/imports.test.ts",
  signal_alarm_read: 'signals, native vs wasm; test/signals.test.ts',
  signal_itimer: 'signals, native vs wasm; test/signals.test.ts',
  signal_sigint: 'SIGINT sent to the program; test/signals.test.ts',
  signal_sigpipe: 'SIGPIPE default/ignored/handled; test/signals.test.ts',
  thread_counters: 'green threads, JSPI mode only; test/threads.test.ts',
  thread_lifecycle: 'green threads, JSPI mode only; test/threads.test.ts',
  thread_pipe: 'green threads, JSPI mode only; test/threads.test.ts',
  thread_echo_server: 'green threads, JSPI mode only; test/threads.test.ts',
  thread_echo_client: 'green threads, JSPI mode only; test/threads.test.ts',
};

const TIMEOUT_MS = 30_000;

it('every program in c-src/tests is in this suite', () => {
  const programs = readdirSync(join(ROOT, 'c-src', 'tests')).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2));
  const covered = new Set([
    ...SINGLE.map((p) => p.name),
    ...PAIRS.flatMap((p) => [`${p.name}_server`, p.client ?? `${p.name}_client`]),
    ...Object.keys(ELSEWHERE),
  ]);
  expect(programs.filter((p) => !covered.has(p))).toEqual([]);
});

function outcome(r: Finished) {
  return { code: r.code, signal: r.signal, stdout: r.stdout };
}

describe.concurrent('single-process programs: wasm prints what native prints', () => {
  for (const program of SINGLE) {
    it(program.name, async () => {
      assertBuilt(program.name);
      const options = { stdin: program.stdin ?? '', timeoutMs: TIMEOUT_MS, hostOptions: [] as string[] };
      const args: string[] = [];
      const dir = program.file !== undefined ? mkdtempSync(join(tmpdir(), `wasock-${program.name}-`)) : undefined;
      if (dir !== undefined) {
        writeFileSync(join(dir, 'input.txt'), program.file!);
        args.push(join(dir, 'input.txt'));
        options.hostOptions.push('--dir', dir);
      }
      const [native, wasm] = await Promise.all([run('native', program.name, args, options), run('wasm', program.name, args, options)]).finally(
        () => dir !== undefined && rmSync(dir, { recursive: true, force: true }),
      );
      expect(native.code, `native run failed: ${native.stdout}${native.stderr}`).toBe(0);
      expect(native.stdout).not.toBe('');
      expect({ ...outcome(wasm), stderr: wasm.stderr }).toEqual({ ...outcome(native), stderr: '' });
    });
  }
});

/** The pair programs never print their port, so stdout is compared as it is. */
function sides(result: PairResult) {
  return {
    server: { code: result.server.code, signal: result.server.signal, stdout: result.server.stdout },
    client: { code: result.client.code, signal: result.client.signal, stdout: result.client.stdout },
  };
}

for (const pair of PAIRS) {
  const names = { server: `${pair.name}_server`, client: pair.client ?? `${pair.name}_client` };
  const args = (port: number) => [String(port), ...(pair.args ?? [])];

  describe(`${names.server} + ${names.client}`, () => {
    let native: ReturnType<typeof sides>;

    const runOne = async (pairing: { server: Build; client: Build }) => {
      let port = 0;
      const result = await runPair(pairing, names, { server: (p) => args((port = p)), client: args }, 'tcp', { timeoutMs: pair.timeoutMs });
      await pair.after?.(port, result);
      return { result, got: sides(result) };
    };

    beforeAll(async () => {
      assertBuilt(names.server);
      assertBuilt(names.client);
      native = (await runOne(PAIRINGS[0])).got;
    }, 120_000);

    it('the native pair succeeds', () => {
      expect(native.server.code, native.server.stdout).toBe(0);
      expect(native.client.code, native.client.stdout).toBe(0);
      expect(native.server.stdout).not.toBe('');
      expect(native.client.stdout).not.toBe('');
    });

    for (const pairing of PAIRINGS.slice(1)) {
      it(`${pairing.name}: each side prints what it prints in the native pair`, async () => {
        const { result, got } = await runOne(pairing);
        expect({ got, stderr: { server: result.server.stderr, client: result.client.stderr } }).toEqual({
          got: native,
          stderr: { server: '', client: '' },
        });
      }, 120_000);
    }
  });
}

// ---- the chat example: a select() server and poll() clients, driven by stdin (helpers/chat.ts) ----

describe('chat_server + two chat_clients, driven through stdin', () => {
  let native: ChatTranscript;

  beforeAll(async () => {
    assertBuilt('chat_server');
    assertBuilt('chat_client');
    native = await chat('native', 'native');
  }, 60_000);

  it('the native run goes as scripted', () => {
    expect(native.server.code).toBe(0);
    expect(native.alice).toEqual({ code: 0, stdout: '* welcome, you are client 1\n* client 2 joined\nclient 2: hi alice, bob here\n' });
    expect(native.bob).toEqual({
      code: 0,
      stdout: '* welcome, you are client 2\nclient 1: hello from alice\n* client 1 left\n',
    });
  });

  for (const pairing of PAIRINGS.slice(1)) {
    it(`${pairing.name.replace('client', 'clients')}: every participant prints what it prints natively`, async () => {
      expect(await chat(pairing.server, pairing.client)).toEqual(native);
    }, 60_000);
  }
});
