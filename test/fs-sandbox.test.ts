// The --dir sandbox (issue #14, docs/security.md): a guest reaches nothing
// outside its preopened directory — not with "..", absolute paths, symbolic
// links that exist or that it makes, hard links or renames. The imports are
// driven in-process exactly as a guest's calls reach them (the shim's WASI,
// wasock's descriptor layer and the Node file system layer, on a real
// WebAssembly.Memory), first with each escape by hand, then with a fuzzer
// of path arguments whose oracle is the directory next door: it must be
// untouched, its content never read, no link to it made.

import { closeSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { WASI, type Fd } from '@bjorn3/browser_wasi_shim';
import { afterAll, describe, expect, it } from 'vitest';
import { E } from '../host/src/abi/errno.js';
import { FILETYPE, LOOKUPFLAGS, OFLAGS, RIGHT } from '../host/src/abi/wasi.js';
import { GuestMemory } from '../host/src/wasi/guest-memory.js';
import { fileImports } from '../host/src/wasi/file-imports.js';
import { hostFsImports } from '../host/src/fs/imports.js';
import { openPreopens } from '../host/src/worker/preopens.js';
import { targetStaysInside } from '../host/src/fs/mount.js';

const SECRET = 'SECRET-OUTSIDE-THE-SANDBOX';
const temps: string[] = [];
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

/**
 * tmp/outside: what the guest must never reach. tmp/root: the preopen,
 * with links planted by the host that lead out in every way.
 */
function fixture() {
  const tmp = mkdtempSync(join(tmpdir(), 'wasock-sandbox-'));
  temps.push(tmp);
  const outside = join(tmp, 'outside');
  const root = join(tmp, 'root');
  mkdirSync(join(outside, 'dir'), { recursive: true });
  writeFileSync(join(outside, 'secret.txt'), SECRET);
  mkdirSync(join(root, 'sub'), { recursive: true });
  writeFileSync(join(root, 'file.txt'), 'inside\n');
  symlinkSync('../outside/secret.txt', join(root, 'link_out_rel'));
  symlinkSync('../outside', join(root, 'link_out_dir'));
  symlinkSync(join(outside, 'secret.txt'), join(root, 'link_abs'));
  symlinkSync('../outside/new-file', join(root, 'dangle_out'));
  symlinkSync('sub', join(root, 'link_in'));
  symlinkSync('link_loop', join(root, 'link_loop'));
  symlinkSync('..', join(root, 'sub', 'up'));
  symlinkSync('../..', join(root, 'sub', 'upup'));
  const planted = new Set(['link_out_rel', 'link_out_dir', 'link_abs', 'dangle_out', 'link_in', 'link_loop', 'sub/up', 'sub/upup'].map((p) => lstatSync(join(root, p)).ino));
  return { tmp, outside, root, planted };
}

/** Names, types, sizes, contents and times of everything below `dir`. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const st = lstatSync(path);
    const what = st.isSymbolicLink() ? `-> ${readlinkSync(path)}` : st.isDirectory() ? 'dir' : readFileSync(path, 'utf8');
    out.push(`${name} ${what} ${st.mtimeMs} ${st.nlink}`);
    if (st.isDirectory()) out.push(...snapshot(path).map((l) => `${name}/${l}`));
  }
  return out;
}

const PREOPEN = 3;
const SCRATCH = 1024; // where path arguments are written
const OUT = 64; // result words

/** A guest's view of the file imports, on a real memory. */
class Guest {
  readonly memory = new WebAssembly.Memory({ initial: 2 });
  readonly mem = new GuestMemory(() => this.memory);
  readonly fds: (Fd | undefined)[];
  readonly imports: Record<string, (...args: never[]) => number>;

  constructor(root: string, readOnly = false) {
    this.fds = [undefined, undefined, undefined, ...openPreopens([{ host: root, guest: '/sandbox', readOnly }])];
    const wasi = new WASI([], [], this.fds as Fd[]);
    wasi.inst = { exports: { memory: this.memory } } as unknown as WASI['inst'];
    const base = wasi.wasiImport as Record<string, (...args: never[]) => number>;
    let all: Record<string, (...args: never[]) => number> = {};
    const withFds = { ...base, ...fileImports({ mem: this.mem, fds: this.fds }, base, (fd) => (all.fd_close as (fd: number) => number)(fd)) };
    all = { ...withFds, ...hostFsImports({ mem: this.mem, fds: this.fds }, withFds) };
    this.imports = all;
  }

  call(name: string, ...args: (number | bigint)[]): number {
    const errno = (this.imports[name] as unknown as (...a: (number | bigint)[]) => unknown)(...args);
    if (typeof errno !== 'number' || !Number.isInteger(errno) || errno < 0 || errno > E.NOTCAPABLE) throw new Error(`${name} returned ${String(errno)}`);
    return errno;
  }

  /** Writes strings into the scratch area; returns [ptr, len] pairs. */
  strings(...texts: string[]): [number, number][] {
    let at = SCRATCH;
    return texts.map((t) => {
      const bytes = new TextEncoder().encode(t);
      new Uint8Array(this.memory.buffer, at, bytes.length).set(bytes);
      const r: [number, number] = [at, bytes.length];
      at += bytes.length + 8;
      return r;
    });
  }

  open(path: string, opts: { oflags?: number; write?: boolean; follow?: boolean } = {}): { errno: number; fd: number } {
    const [[p, n]] = this.strings(path);
    const rights = RIGHT.FD_READ | RIGHT.FD_READDIR | RIGHT.FD_SEEK | RIGHT.FD_TELL | RIGHT.FD_FILESTAT_GET | (opts.write ? RIGHT.FD_WRITE : 0n);
    const errno = this.call('path_open', PREOPEN, opts.follow === false ? 0 : LOOKUPFLAGS.SYMLINK_FOLLOW, p, n, opts.oflags ?? 0, rights, rights, 0, OUT);
    return { errno, fd: errno === 0 ? this.mem.readU32(OUT) : -1 };
  }

  /** Reads up to 256 bytes from an open fd as text. */
  read(fd: number): { errno: number; text: string } {
    const view = this.mem.view();
    view.setUint32(OUT + 8, 4096, true);
    view.setUint32(OUT + 12, 256, true);
    const errno = this.call('fd_read', fd, OUT + 8, 1, OUT);
    return { errno, text: errno === 0 ? new TextDecoder().decode(new Uint8Array(this.memory.buffer, 4096, this.mem.readU32(OUT))) : '' };
  }

  stat(path: string, follow: boolean): number {
    const [[p, n]] = this.strings(path);
    return this.call('path_filestat_get', PREOPEN, follow ? LOOKUPFLAGS.SYMLINK_FOLLOW : 0, p, n, 8192);
  }

  /** One-path calls. */
  path(name: 'path_create_directory' | 'path_remove_directory' | 'path_unlink_file', path: string): number {
    const [[p, n]] = this.strings(path);
    return this.call(name, PREOPEN, p, n);
  }

  rename(from: string, to: string): number {
    const [[a, an], [b, bn]] = this.strings(from, to);
    return this.call('path_rename', PREOPEN, a, an, PREOPEN, b, bn);
  }

  link(from: string, to: string, follow = false): number {
    const [[a, an], [b, bn]] = this.strings(from, to);
    return this.call('path_link', PREOPEN, follow ? LOOKUPFLAGS.SYMLINK_FOLLOW : 0, a, an, PREOPEN, b, bn);
  }

  symlink(target: string, at: string): number {
    const [[a, an], [b, bn]] = this.strings(target, at);
    return this.call('path_symlink', a, an, PREOPEN, b, bn);
  }

  readlink(path: string): { errno: number; text: string } {
    const [[p, n]] = this.strings(path);
    const errno = this.call('path_readlink', PREOPEN, p, n, 4096, 256, OUT);
    return { errno, text: errno === 0 ? new TextDecoder().decode(new Uint8Array(this.memory.buffer, 4096, this.mem.readU32(OUT))) : '' };
  }

  setTimes(path: string, follow: boolean): number {
    const [[p, n]] = this.strings(path);
    return this.call('path_filestat_set_times', PREOPEN, follow ? LOOKUPFLAGS.SYMLINK_FOLLOW : 0, p, n, 0n, 0n, 2 | 8);
  }
}

describe('escapes, one by one', () => {
  const { outside, root } = fixture();
  const before = snapshot(outside);
  const g = new Guest(root);

  it('"..", absolute paths and planted symbolic links do not open anything outside', () => {
    for (const path of ['..', '../outside/secret.txt', 'sub/../../outside/secret.txt', '/etc/passwd', '/', `${outside}/secret.txt`,
      'link_out_rel', 'link_abs', 'link_out_dir/secret.txt', 'link_out_dir', 'sub/upup/outside/secret.txt', 'link_in/upup/outside/secret.txt', 'link_in/up/..']) {
      expect({ path, errno: g.open(path).errno }).toEqual({ path, errno: E.NOTCAPABLE });
    }
    expect(g.open('link_loop').errno).toBe(E.LOOP);
    // Not following the final link: open(O_NOFOLLOW) on a link is ELOOP, as on Linux.
    expect(g.open('link_out_rel', { follow: false }).errno).toBe(E.LOOP);
    // Links that stay inside work.
    const inside = g.open('sub/up/file.txt');
    expect(inside.errno).toBe(0);
    expect(g.read(inside.fd).text).toBe('inside\n');
    expect(g.open('link_in/up/link_in/up/file.txt').errno).toBe(0);
  });

  it('creating through a link that leads out is refused, and nothing appears outside', () => {
    expect(g.open('dangle_out', { oflags: OFLAGS.CREAT, write: true }).errno).toBe(E.NOTCAPABLE);
    expect(g.open('link_out_dir/planted', { oflags: OFLAGS.CREAT, write: true }).errno).toBe(E.NOTCAPABLE);
    expect(g.path('path_create_directory', 'link_out_dir/newdir')).toBe(E.NOTCAPABLE);
    expect(g.path('path_create_directory', '../newdir')).toBe(E.NOTCAPABLE);
    // O_CREAT|O_EXCL does not follow the final link: EEXIST, as the kernel says.
    expect(g.open('dangle_out', { oflags: OFLAGS.CREAT | OFLAGS.EXCL, write: true }).errno).toBe(E.EXIST);
  });

  it('stat, set_times and readdir do not follow links out', () => {
    expect(g.stat('link_out_rel', true)).toBe(E.NOTCAPABLE);
    expect(g.stat('link_out_dir/secret.txt', false)).toBe(E.NOTCAPABLE);
    expect(g.stat('link_out_rel', false)).toBe(0); // the link itself is inside
    expect(g.mem.view().getUint8(8192 + 16)).toBe(FILETYPE.SYMBOLIC_LINK);
    expect(g.setTimes('link_out_rel', true)).toBe(E.NOTCAPABLE);
    expect(g.setTimes('../outside/secret.txt', false)).toBe(E.NOTCAPABLE);
    expect(g.open('link_out_dir', { oflags: OFLAGS.DIRECTORY }).errno).toBe(E.NOTCAPABLE);
  });

  it('hard links and renames neither take from nor put outside', () => {
    expect(g.link('link_out_dir/secret.txt', 'stolen')).toBe(E.NOTCAPABLE);
    expect(g.link('link_out_rel', 'stolen', true)).toBe(E.NOTCAPABLE);
    expect(g.link('file.txt', '../outside/planted')).toBe(E.NOTCAPABLE);
    expect(g.link('file.txt', 'link_out_dir/planted')).toBe(E.NOTCAPABLE);
    expect(g.rename('file.txt', '../outside/moved')).toBe(E.NOTCAPABLE);
    expect(g.rename('file.txt', 'link_out_dir/moved')).toBe(E.NOTCAPABLE);
    expect(g.rename('../outside/secret.txt', 'here')).toBe(E.NOTCAPABLE);
    expect(g.rename('link_out_dir/secret.txt', 'here')).toBe(E.NOTCAPABLE);
    // The preopen itself cannot be moved, removed or replaced.
    expect(g.rename('.', 'moved-root')).toBe(E.BUSY);
    expect(g.rename('sub/..', 'moved-root')).toBe(E.BUSY);
    expect(g.rename('sub', '.')).toBe(E.BUSY);
    expect(g.path('path_remove_directory', '.')).toBe(E.INVAL);
    expect(g.path('path_remove_directory', '..')).toBe(E.NOTCAPABLE);
    expect(g.path('path_unlink_file', '../outside/secret.txt')).toBe(E.NOTCAPABLE);
    expect(g.path('path_unlink_file', 'link_out_dir/secret.txt')).toBe(E.NOTCAPABLE);
    // A hard link of a link that leads out is one more link that leads out: following it is refused too.
    expect(g.link('link_out_rel', 'copy_of_link')).toBe(0);
    expect(g.open('copy_of_link').errno).toBe(E.NOTCAPABLE);
  });

  it('symbolic links the guest makes may not point out', () => {
    for (const target of ['../outside/secret.txt', '/etc/passwd', outside, 'sub/../../outside', '..', 'a/b/../../..']) {
      expect({ target, errno: g.symlink(target, 'mine') }).toEqual({ target, errno: E.PERM });
    }
    expect(g.symlink('../file.txt', 'sub/ok')).toBe(0);
    expect(g.open('sub/ok').errno).toBe(0);
    expect(g.symlink('sub/../file.txt', 'ok2')).toBe(0);
    // readlink shows a planted link's text; following it is what is refused.
    expect(g.readlink('link_abs')).toEqual({ errno: 0, text: join(outside, 'secret.txt') });
    expect(g.readlink('link_out_rel/')).toEqual({ errno: E.NOTCAPABLE, text: '' });
  });

  it('left everything outside as it was', () => {
    expect(snapshot(outside)).toEqual(before);
  });
});

describe(':ro', () => {
  it('reads work; every change is EROFS and the directory stays as it was', () => {
    const { root } = fixture();
    const before = snapshot(root);
    const g = new Guest(root, true);
    const f = g.open('file.txt');
    expect(f.errno).toBe(0);
    expect(g.read(f.fd).text).toBe('inside\n');
    expect(g.open('file.txt', { write: true }).errno).toBe(E.ROFS);
    expect(g.open('new.txt', { oflags: OFLAGS.CREAT, write: true }).errno).toBe(E.ROFS);
    expect(g.open('file.txt', { oflags: OFLAGS.TRUNC }).errno).toBe(E.ROFS);
    expect(g.path('path_create_directory', 'd')).toBe(E.ROFS);
    expect(g.path('path_remove_directory', 'sub')).toBe(E.ROFS);
    expect(g.path('path_unlink_file', 'file.txt')).toBe(E.ROFS);
    expect(g.rename('file.txt', 'x')).toBe(E.ROFS);
    expect(g.link('file.txt', 'x')).toBe(E.ROFS);
    expect(g.symlink('file.txt', 'x')).toBe(E.ROFS);
    expect(g.setTimes('file.txt', true)).toBe(E.ROFS);
    expect(snapshot(root)).toEqual(before);
  });
});

// ---- the fuzzer -------------------------------------------------------------

const COMPONENTS = ['..', '.', '', 'sub', 'file.txt', 'link_out_rel', 'link_out_dir', 'link_abs', 'dangle_out', 'link_in', 'link_loop', 'up', 'upup', 'outside', 'secret.txt', 'new', 'n2'];
const pathArb = fc.tuple(fc.boolean(), fc.array(fc.constantFrom(...COMPONENTS), { minLength: 0, maxLength: 6 }), fc.boolean()).map(
  ([abs, parts, slash]) => `${abs ? '/' : ''}${parts.join('/')}${slash ? '/' : ''}`,
);

type Op =
  | { op: 'open'; path: string; oflags: number; write: boolean; follow: boolean }
  | { op: 'mkdir' | 'rmdir' | 'unlink'; path: string }
  | { op: 'rename'; from: string; to: string }
  | { op: 'link'; from: string; to: string; follow: boolean }
  | { op: 'symlink'; target: string; at: string }
  | { op: 'readlink'; path: string }
  | { op: 'stat'; path: string; follow: boolean }
  | { op: 'times'; path: string; follow: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('open' as const), path: pathArb, oflags: fc.integer({ min: 0, max: 15 }), write: fc.boolean(), follow: fc.boolean() }),
  fc.record({ op: fc.constantFrom('mkdir' as const, 'rmdir' as const, 'unlink' as const), path: pathArb }),
  fc.record({ op: fc.constant('rename' as const), from: pathArb, to: pathArb }),
  fc.record({ op: fc.constant('link' as const), from: pathArb, to: pathArb, follow: fc.boolean() }),
  fc.record({ op: fc.constant('symlink' as const), target: pathArb, at: pathArb }),
  fc.record({ op: fc.constant('readlink' as const), path: pathArb }),
  fc.record({ op: fc.constantFrom('stat' as const, 'times' as const), path: pathArb, follow: fc.boolean() }),
);

/** Every entry below `dir` (not following links) with its depth below the root. */
function walk(dir: string, depth = 0): { path: string; depth: number }[] {
  const out: { path: string; depth: number }[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    out.push({ path, depth });
    if (lstatSync(path).isDirectory()) out.push(...walk(path, depth + 1));
  }
  return out;
}

describe('fuzzed path arguments', () => {
  it('no sequence of calls reaches outside the preopen', () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 25 }), (ops) => {
        const { outside, root, planted } = fixture();
        const before = snapshot(outside);
        const secretIno = lstatSync(join(outside, 'secret.txt')).ino;
        const g = new Guest(root);
        for (const o of ops) {
          switch (o.op) {
            case 'open': {
              const r = g.open(o.path, { oflags: o.oflags, write: o.write, follow: o.follow });
              if (r.errno === 0) {
                const data = g.read(r.fd);
                expect(data.text).not.toContain(SECRET);
                if (o.write) {
                  const view = g.mem.view();
                  view.setUint32(OUT + 8, 4096, true);
                  view.setUint32(OUT + 12, 3, true);
                  g.call('fd_write', r.fd, OUT + 8, 1, OUT);
                }
                // A directory: its listing, from the first cookie.
                g.call('fd_readdir', r.fd, 4096, 512, 0n, OUT);
                expect(g.call('fd_close', r.fd)).toBe(0);
              }
              break;
            }
            case 'mkdir':
              g.path('path_create_directory', o.path);
              break;
            case 'rmdir':
              g.path('path_remove_directory', o.path);
              break;
            case 'unlink':
              g.path('path_unlink_file', o.path);
              break;
            case 'rename':
              g.rename(o.from, o.to);
              break;
            case 'link':
              g.link(o.from, o.to, o.follow);
              break;
            case 'symlink':
              g.symlink(o.target, o.at);
              break;
            case 'readlink':
              g.readlink(o.path);
              break;
            case 'stat':
              g.stat(o.path, o.follow);
              break;
            case 'times':
              g.setTimes(o.path, o.follow);
              break;
          }
        }
        // The oracle: outside untouched; no hard link to its file inside;
        // every link the guest made stays inside; the root is where it was.
        expect(snapshot(outside)).toEqual(before);
        expect(lstatSync(root).isDirectory()).toBe(true);
        for (const { path, depth } of walk(root)) {
          const st = lstatSync(path);
          expect(st.ino).not.toBe(secretIno);
          if (st.isSymbolicLink() && !planted.has(st.ino)) {
            expect({ path, target: readlinkSync(path), inside: targetStaysInside(new Array(depth).fill('d'), readlinkSync(path)) }).toMatchObject({ inside: true });
          }
        }
        for (let fd = 4; fd < g.fds.length; fd++) if (g.fds[fd] !== undefined) g.call('fd_close', fd);
        rmSync(join(root, '..'), { recursive: true, force: true });
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300), seed },
    );
  }, 20_000);
});

// A host descriptor per open file is real: closing gives it back.
it('the host descriptors of closed files are released', () => {
  const { root } = fixture();
  const g = new Guest(root);
  const probe = () => {
    const fd = openSync(join(root, 'file.txt'), 'r');
    closeSync(fd);
    return fd;
  };
  const first = probe();
  for (let i = 0; i < 50; i++) {
    const r = g.open('file.txt');
    expect(r.errno).toBe(0);
    expect(g.call('fd_close', r.fd)).toBe(0);
  }
  expect(probe()).toBe(first);
});
