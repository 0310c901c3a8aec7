// The Node API (import { run, start } from 'wasock'), from the built bundle
// that the package ships (build/host/index.js): exit codes, captured stdio,
// stdin, a server started and killed, and the refusals of `wasock run` as
// typed errors carrying exactly the line the CLI prints.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort, portIsFree, programPath, ROOT, RUN_JS, waitForBound } from './helpers/programs.js';
import { moduleImporting, trappingModule } from './helpers/wasm-bytes.js';

type Api = typeof import('../host/src/api/node.js');
let api: Api;
let dir: string;

beforeAll(async () => {
  execFileSync(process.execPath, [join(ROOT, 'tools', 'build-host.mjs')], { stdio: 'pipe' });
  api = (await import(pathToFileURL(join(ROOT, 'build', 'host', 'index.js')).href)) as Api;
  dir = mkdtempSync(join(tmpdir(), 'wasock-api-'));
});

function capture(): { stream: PassThrough; text(): string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { stream, text: () => text };
}

/** What `node host/run.js ARGS` prints on stderr and its exit code. */
function cliRefusal(args: string[]): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [RUN_JS, ...args], { encoding: 'utf8', input: '', timeout: 20_000 });
  return { code: r.status, stderr: r.stderr };
}

describe('run()', () => {
  it('resolves with the exit code and captures stdout and stderr', async () => {
    const port = await freePort();
    const out = capture();
    const err = capture();
    // Nobody listens: the client reports the refused connection and exits non-zero.
    const code = await api.run(programPath('wasm', 'client'), { args: ['127.0.0.1', String(port)], stdout: out.stream, stderr: err.stream });
    expect(code).not.toBe(0);
    expect(out.text() + err.text()).toMatch(/refused/i);
  });

  it.skipIf(typeof (WebAssembly as { Suspending?: unknown }).Suspending !== 'function')('hostMode \'jspi\': a server and a client on this very thread', async () => {
    const port = await freePort();
    const serverOut = capture();
    const server = await api.start(programPath('wasm', 'server'), { args: [String(port)], stdout: serverOut.stream, stdin: null, hostMode: 'jspi' });
    await waitForBound(port, 'tcp');
    const out = capture();
    const code = await api.run(programPath('wasm', 'client'), { args: ['127.0.0.1', String(port)], stdout: out.stream, hostMode: 'jspi' });
    expect(code).toBe(0);
    expect(out.text()).toContain('Received: Hello from the server!');
    expect(await server.exited).toBe(0);
  });

  it('runs a client against a server started with start(); exited is the server\'s own code', async () => {
    const port = await freePort();
    const serverOut = capture();
    const server = await api.start(programPath('wasm', 'server'), { args: [String(port)], stdout: serverOut.stream, stdin: null });
    await waitForBound(port, 'tcp');
    const out = capture();
    const code = await api.run(programPath('wasm', 'client'), { args: ['127.0.0.1', String(port)], stdout: out.stream });
    expect(code).toBe(0);
    expect(out.text()).toContain('Received: Hello from the server!');
    expect(await server.exited).toBe(0);
    expect(serverOut.text()).toContain(`Server listening on port ${port}`);
  });

  it('kill() stops a long-running server and frees its port', async () => {
    const port = await freePort();
    const server = await api.start(programPath('wasm', 'chat_server'), { args: [String(port)], stdout: capture().stream, stdin: null });
    await waitForBound(port, 'tcp');
    await server.kill();
    expect(await server.exited).toBe(143);
    expect(await server.outcome).toEqual({ kind: 'killed', signal: 'SIGTERM' });
    expect(await portIsFree(port, 'tcp')).toBe(true);
  });

  it('kill() right after the server wrote to a client never hangs (a write cut off by the kill)', async () => {
    // The server's worker may be terminated inside a direct write, between
    // the system call and giving the descriptor back: the kill must not wait
    // for a thread that is gone. Many rounds, since that window is narrow;
    // in a child process, since a hang blocks its main thread for good.
    const script = join(dir, 'kill-rounds.mjs');
    writeFileSync(script, [
      `import { start } from ${JSON.stringify(pathToFileURL(join(ROOT, 'build', 'host', 'index.js')).href)};`,
      "import { connect, createServer } from 'node:net';",
      "import { PassThrough } from 'node:stream';",
      'for (let round = 0; round < 25; round++) {',
      '  const probe = createServer().listen(0, "127.0.0.1");',
      '  await new Promise((r) => probe.once("listening", r));',
      '  const port = probe.address().port;',
      '  await new Promise((r) => probe.close(r));',
      '  const out = new PassThrough();',
      `  const server = await start(${JSON.stringify(programPath('wasm', 'server'))}, { args: [String(port)], stdout: out, stdin: null });`,
      '  await new Promise((r) => out.once("data", r));',
      '  await new Promise((resolve, reject) => connect(port, "127.0.0.1").once("data", resolve).once("error", reject));',
      '  await server.kill();',
      '}',
      'console.log("done");',
    ].join('\n'));
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout, r.stderr).toBe('done\n');
  });

  it('feeds stdin from a string, then EOF', async () => {
    const out = capture();
    const code = await api.run(readFileSync(programPath('wasm', 'select_stdin')), { argv0: 'select_stdin', stdin: 'first line\nsecond line\n', stdout: out.stream, stderr: out.stream });
    expect(code).toBe(0);
    expect(out.text()).toContain('second line');
  });

  it('reports a trap as 134 with the CLI\'s line on stderr', async () => {
    const err = capture();
    const code = await api.run(trappingModule(), { argv0: 'trap.wasm', stderr: err.stream, stdin: null });
    expect(code).toBe(api.TRAP_EXIT_CODE);
    expect(err.text()).toMatch(/^wasock: trap\.wasm trapped: .+\n$/);
  });
});

describe('refusals are typed errors with the CLI\'s message', () => {
  async function refusal(program: Parameters<Api['run']>[0], options: Parameters<Api['run']>[1] = {}): Promise<Error> {
    try {
      await api.run(program, { stdin: null, ...options });
    } catch (err) {
      return err as Error;
    }
    throw new Error('not refused');
  }

  it('a missing file', async () => {
    const path = join(dir, 'missing.wasm');
    const err = await refusal(path);
    expect(err).toBeInstanceOf(api.FileError);
    expect(err).toBeInstanceOf(api.WasockError);
    expect(cliRefusal([path])).toEqual({ code: 2, stderr: `wasock: ${err.message}\n` });
  });

  it('a file that is not wasm', async () => {
    const path = join(dir, 'prog.c');
    writeFileSync(path, 'int main(void) { return 0; }\n');
    const err = await refusal(path);
    expect(err).toBeInstanceOf(api.NotWasmError);
    expect(cliRefusal([path])).toEqual({ code: 2, stderr: `wasock: ${err.message}\n` });
  });

  it('a missing import', async () => {
    const path = join(dir, 'needs-import.wasm');
    writeFileSync(path, moduleImporting('wasi_snapshot_preview1', 'sock_frobnicate'));
    const err = await refusal(path);
    expect(err).toBeInstanceOf(api.MissingImportError);
    expect(err.message).toContain('sock_frobnicate');
    expect(cliRefusal([path])).toEqual({ code: 2, stderr: `wasock: ${err.message}\n` });
  });

  it('a refused policy', async () => {
    const path = programPath('wasm', 'client');
    const err = await refusal(path, { allowNet: 'not-an-address:99999' });
    expect(err).toBeInstanceOf(api.PolicyError);
    expect(cliRefusal(['--allow-net=not-an-address:99999', path])).toEqual({ code: 2, stderr: `wasock: ${err.message}\n` });
  });

  it('options the CLI refuses, with its parser\'s messages', async () => {
    const path = programPath('wasm', 'client');
    const sockets = await refusal(path, { maxSockets: 0 });
    expect(sockets).toBeInstanceOf(api.OptionError);
    expect(cliRefusal(['--max-sockets', '0', path]).stderr).toContain(`wasock: ${sockets.message}\n`);
    const notDir = await refusal(path, { dirs: [join(dir, 'nope')] });
    expect(notDir).toBeInstanceOf(api.OptionError);
    expect(cliRefusal(['--dir', join(dir, 'nope'), path]).stderr).toBe(`wasock: ${notDir.message}\n`);
    expect(await refusal(path, { env: ['NOEQUALS'] })).toBeInstanceOf(api.OptionError);
  });

  it.skipIf(typeof (WebAssembly as { Suspending?: unknown }).Suspending === 'function')('a host mode this engine does not have', async () => {
    const err = await refusal(programPath('wasm', 'client'), { hostMode: 'jspi' });
    expect(err).toBeInstanceOf(api.OptionError);
    expect(err.message).toMatch(/jspi/);
  });

  it('an unknown host mode', async () => {
    const err = await refusal(programPath('wasm', 'client'), { hostMode: 'threads' as never });
    expect(err).toBeInstanceOf(api.OptionError);
    expect(err.message).toMatch(/unknown hostMode "threads"/);
  });
});
