// The file conformance programs (issue #14): each fs_* program in c-src/tests
// works below a directory it is given, natively in one temporary directory
// and on wasock in another (through --dir, under the same path). Both runs
// must print the same and exit the same, and leave the same files behind:
// what the wasm program writes reaches the host's disk.

import { mkdtempSync, readdirSync, readFileSync, readlinkSync, lstatSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertBuilt, freePort, run, start, waitForOutput, type Build, type Finished } from './helpers/programs.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(label: string): string {
  const d = mkdtempSync(join(tmpdir(), `wasock-${label}-`));
  dirs.push(d);
  return d;
}

/** Every name below `dir` with its type and content (or link target), sorted. */
function tree(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const st = lstatSync(path);
    if (st.isSymbolicLink()) out.push(`${prefix}${name} -> ${readlinkSync(path)}`);
    else if (st.isDirectory()) out.push(`${prefix}${name}/`, ...tree(path, `${prefix}${name}/`));
    else out.push(`${prefix}${name} = ${JSON.stringify(readFileSync(path, 'latin1'))}`);
  }
  return out;
}

function outcome(r: Finished) {
  return { code: r.code, signal: r.signal, stdout: r.stdout };
}

const dirArgs = (build: Build, dir: string) => ({ args: [dir], hostOptions: build === 'wasm' ? ['--dir', dir] : [] });

const PROGRAMS: { name: string; stdin?: string }[] = [
  // write, append, read back, seek, pread/pwrite, truncate, holes, stdio, fstat
  { name: 'fs_rw' },
  // mkdir, sorted listing, rename, unlink, rmdir, symlinks, hard links, a long listing
  { name: 'fs_dir' },
  // ENOENT / EEXIST / ENOTDIR / EISDIR / ENOTEMPTY / EINVAL / ESPIPE / EBADF
  { name: 'fs_errnos' },
  // poll() and select() over a file, sockets and stdin at its end
  { name: 'fs_poll_files', stdin: '' },
];

describe.concurrent('file programs: wasm prints what native prints and leaves the same files', () => {
  for (const program of PROGRAMS) {
    it(program.name, async () => {
      assertBuilt(program.name);
      const results = await Promise.all((['native', 'wasm'] as const).map(async (build) => {
        const dir = tempDir(`${program.name}-${build}`);
        const { args, hostOptions } = dirArgs(build, dir);
        const r = await run(build, program.name, args, { stdin: program.stdin ?? '', hostOptions, timeoutMs: 30_000 });
        return { r, files: tree(dir) };
      }));
      const [native, wasm] = results;
      expect(native.r.code, `native run failed: ${native.r.stdout}${native.r.stderr}`).toBe(0);
      expect(native.r.stdout).not.toBe('');
      expect({ ...outcome(wasm.r), stderr: wasm.r.stderr }).toEqual({ ...outcome(native.r), stderr: '' });
      expect(wasm.files).toEqual(native.files);
    });
  }
});

describe('a file the host changes while the program waits on a socket', () => {
  const runOnce = async (build: Build) => {
    const dir = tempDir(`fs_host_change-${build}`);
    const port = await freePort();
    const { hostOptions } = dirArgs(build, dir);
    const running = start(build, 'fs_host_change', [dir, String(port)], { hostOptions, timeoutMs: 20_000 });
    await waitForOutput(running, 'listening\n');
    // The program is blocked in accept(): the host rewrites its file and adds one.
    writeFileSync(join(dir, 'shared.txt'), 'rewritten by the host, longer\n');
    writeFileSync(join(dir, 'from-host.txt'), 'new file\n');
    await new Promise<void>((resolve, reject) => {
      const sock = connect(port, '127.0.0.1', () => sock.write('go'));
      sock.on('data', () => sock.end());
      sock.on('close', () => resolve());
      sock.on('error', reject);
    });
    const r = await running.done;
    return { r, files: tree(dir) };
  };

  it('the program reads the host\'s new content, natively and on wasock', async () => {
    assertBuilt('fs_host_change');
    const native = await runOnce('native');
    const wasm = await runOnce('wasm');
    expect(native.r.code, native.r.stdout + native.r.stderr).toBe(0);
    expect(native.r.stdout).toContain('rewritten by the host');
    expect({ ...outcome(wasm.r), stderr: wasm.r.stderr }).toEqual({ ...outcome(native.r), stderr: '' });
    expect(wasm.files).toEqual(native.files);
  }, 30_000);
});

describe('run.js --dir HOST:GUEST[:ro]', () => {
  it('what the program writes under GUEST is on the host under HOST when it exits', async () => {
    const dir = tempDir('guest-name');
    const r = await run('wasm', 'fs_rw', ['/d'], { hostOptions: ['--dir', `${dir}:/d`] });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('');
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'b.txt', 'c.txt']);
    expect(readFileSync(join(dir, 'a.txt')).subarray(0, 8).toString()).toBe('HELLO wo');
  });

  it(':ro lets the program read and refuses every change with EROFS', async () => {
    const dir = tempDir('ro');
    writeFileSync(join(dir, 'file'), 'x');
    const r = await run('wasm', 'fs_rw', [dir], { hostOptions: ['--dir', `${dir}:${dir}:ro`] });
    expect(r.stdout).toBe('FAILED open a.txt: EROFS\n');
    expect(readdirSync(dir)).toEqual(['file']);
  });

  it('--help describes the real directory, not a copy in memory', async () => {
    const { spawnSync } = await import('node:child_process');
    const help = spawnSync(process.execPath, [join(import.meta.dirname, '..', 'host', 'run.js'), '--help'], { encoding: 'utf8' }).stdout;
    expect(help).toContain('--dir HOST[:GUEST[:ro]]');
    expect(help).not.toContain('loaded into memory');
  });
});
