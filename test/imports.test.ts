// Every module wasock builds imports only wasi_snapshot_preview1 functions
// from the ABI table (docs/abi.md) and standard preview 1, so it also runs on
// WAMR's iwasm; and every such name is one the host provides.

import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuilt, programPath, ROOT, run } from './helpers/programs.js';
import { providedImportNames } from '../host/src/wasi/guest-imports.js';

/** The socket imports of the ABI table, read from docs/abi.md itself. */
function abiTableNames(): Set<string> {
  const doc = readFileSync(join(ROOT, 'docs', 'abi.md'), 'utf8');
  const names = new Set<string>();
  for (const row of doc.split('\n').filter((l) => l.startsWith('| sock_'))) {
    const cell = row.split('|')[1];
    // "sock_set_reuse_addr / reuse_port / keep_alive" expands by prefix.
    const parts = cell.split('/').map((p) => p.trim());
    const prefix = parts[0].match(/^(sock_(?:set_|get_)?)/)![1];
    for (const part of parts) names.add(part.startsWith('sock_') ? part : prefix + part);
  }
  return names;
}

const PREVIEW1 = new Set([
  'args_get', 'args_sizes_get', 'environ_get', 'environ_sizes_get', 'clock_res_get', 'clock_time_get',
  'fd_advise', 'fd_allocate', 'fd_close', 'fd_datasync', 'fd_fdstat_get', 'fd_fdstat_set_flags',
  'fd_fdstat_set_rights', 'fd_filestat_get', 'fd_filestat_set_size', 'fd_filestat_set_times', 'fd_pread',
  'fd_prestat_get', 'fd_prestat_dir_name', 'fd_pwrite', 'fd_read', 'fd_readdir', 'fd_renumber', 'fd_seek',
  'fd_sync', 'fd_tell', 'fd_write', 'path_create_directory', 'path_filestat_get', 'path_filestat_set_times',
  'path_link', 'path_open', 'path_readlink', 'path_remove_directory', 'path_rename', 'path_symlink',
  'path_unlink_file', 'poll_oneoff', 'proc_exit', 'proc_raise', 'sched_yield', 'random_get',
  'sock_accept', 'sock_recv', 'sock_send', 'sock_shutdown',
]);

/** wasock's own imports: docs/abi.md's extension table. */
function extensionNames(): Set<string> {
  const doc = readFileSync(join(ROOT, 'docs', 'abi.md'), 'utf8');
  const section = doc.slice(doc.indexOf("## wasock's extensions"));
  return new Set([...section.matchAll(/^\| (wasock_\w+) \|/gm)].map((m) => m[1]));
}

it('every built module imports only ABI-table, preview 1 and documented wasock names, all provided by the host', () => {
  const extensions = extensionNames();
  expect(extensions.has('wasock_fd_dup')).toBe(true);
  // Only programs that call the extensions import them: fcntl(O_NONBLOCK) alone keeps to the table.
  const importsOf = (name: string) => WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(join(ROOT, 'build', 'wasm', `${name}.wasm`)))).map((i) => i.name);
  expect(importsOf('nonblock_eagain')).toContain('fd_fdstat_set_flags');
  expect(importsOf('nonblock_eagain').filter((n) => extensions.has(n))).toEqual([]);
  expect(importsOf('dup_half_close')).toContain('wasock_fd_dup');
  const allowed = new Set([...abiTableNames(), ...PREVIEW1, ...extensions]);
  expect(allowed.has('sock_set_recv_timeout')).toBe(true);
  expect(allowed.has('sock_get_linger')).toBe(true);
  const provided = providedImportNames();
  const dir = join(ROOT, 'build', 'wasm');
  const files = readdirSync(dir).filter((f) => f.endsWith('.wasm'));
  expect(files.length).toBeGreaterThan(10);
  for (const file of files) {
    const module = new WebAssembly.Module(readFileSync(join(dir, file)));
    for (const imp of WebAssembly.Module.imports(module)) {
      expect(`${file}: ${imp.module}.${imp.name} ${imp.kind}`).toBe(`${file}: wasi_snapshot_preview1.${imp.name} function`);
      expect(allowed.has(imp.name), `${file} imports ${imp.name}, outside the ABI table and preview 1`).toBe(true);
      expect(provided.has(imp.name), `${file} imports ${imp.name}, which the host does not provide`).toBe(true);
    }
  }
});

// ---- WAMR's whole table (issue #11) ----------------------------------------

/** The 52 imports and their WAMR signature letters, from docs/abi.md's "whole table". */
function wamrTable(): Map<string, string> {
  const doc = readFileSync(join(ROOT, 'docs', 'abi.md'), 'utf8');
  const table = new Map<string, string>();
  for (const m of doc.matchAll(/`(sock_\w+)` \| `\(([^)]*)\)i`/g)) table.set(m[1]!, m[2]!);
  return table;
}

/** Each function import's parameter types, read from the module's type and import sections. */
function importSignatures(bytes: Uint8Array): Map<string, string[]> {
  let pos = 8;
  const u32 = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[pos++]!;
      result |= (b & 0x7f) << shift;
      if (!(b & 0x80)) return result >>> 0;
      shift += 7;
    }
  };
  const name = () => {
    const len = u32();
    const text = new TextDecoder().decode(bytes.subarray(pos, pos + len));
    pos += len;
    return text;
  };
  const VALTYPE: Record<number, string> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64' };
  const types: string[][] = [];
  const out = new Map<string, string[]>();
  while (pos < bytes.length) {
    const id = bytes[pos++]!;
    const size = u32();
    const end = pos + size;
    if (id === 1) {
      for (let n = u32(); n > 0; n--) {
        pos++; // 0x60
        const params = Array.from({ length: u32() }, () => VALTYPE[bytes[pos++]!]!);
        for (let r = u32(); r > 0; r--) pos++;
        types.push(params);
      }
    } else if (id === 2) {
      for (let n = u32(); n > 0; n--) {
        name();
        const field = name();
        const kind = bytes[pos++]!;
        if (kind === 0) out.set(field, types[u32()]!);
        else if (kind === 2) { const flags = u32(); u32(); if (flags & 1) u32(); }
        else if (kind === 1) { pos++; const flags = u32(); u32(); if (flags & 1) u32(); }
        else { pos += 2; }
      }
    }
    pos = end;
  }
  return out;
}

const LETTER: Record<string, string> = { i: 'i32', I: 'i64', '*': 'i32', $: 'i32' };

describe("WAMR's 52 socket imports", () => {
  const table = wamrTable();

  it('docs/abi.md lists all 52, the same names in its main table, and the host provides every one', () => {
    expect(table.size).toBe(52);
    expect([...table.keys()].sort()).toEqual([...abiTableNames()].sort());
    const provided = providedImportNames();
    expect([...table.keys()].filter((n) => !provided.has(n))).toEqual([]);
  });

  it('the WAMR-convention guest imports exactly those 52, with WAMR\'s signatures', () => {
    assertBuilt('wamr_abi');
    const sigs = importSignatures(readFileSync(programPath('wasm', 'wamr_abi')));
    const sock = [...sigs.keys()].filter((n) => n.startsWith('sock_')).sort();
    expect(sock).toEqual([...table.keys()].sort());
    for (const [name, letters] of table) {
      expect(`${name} ${sigs.get(name)!.join(',')}`).toBe(`${name} ${[...letters].map((l) => LETTER[l]).join(',')}`);
    }
  });

  it('calling all 52 with valid and invalid arguments prints on wasock what the native build prints over POSIX', async () => {
    const [native, wasm] = await Promise.all([run('native', 'wamr_abi', []), run('wasm', 'wamr_abi', [])]);
    expect(native.code, native.stdout + native.stderr).toBe(0);
    expect(native.stdout).toContain('(50 imports)');
    // Every option it sets reads back as natively; every invalid call gets the kernel's errno.
    expect({ code: wasm.code, stdout: wasm.stdout, stderr: wasm.stderr }).toEqual({ code: 0, stdout: native.stdout, stderr: '' });
  });

  it('bad pointers get EFAULT, never a host crash; a multicast join meets the policy', async () => {
    const r = await run('wasm', 'wamr_abi', ['faults']);
    const lines = r.stdout.trim().split('\n');
    const answer = (label: string) => lines.find((l) => l.startsWith(`${label}: `))?.slice(label.length + 2);
    expect(r.code).toBe(0);
    expect(lines.length).toBe(32);
    for (const l of lines) {
      const [label, errno] = l.split(': ');
      if (label === 'sock_bind' || label === 'sock_close') expect(errno, label).toBe('0');
      else if (label!.includes('(policy)')) expect(errno, label).toBe('EACCES');
      else expect(errno, label).toBe('EFAULT');
    }
    expect(answer('sock_set_ip_add_membership 239.255.0.1 (policy)')).toBe('EACCES');
    expect(r.stderr).toBe('wasock: join of multicast group 239.255.0.1 denied by the network policy (allow it with --allow-net=127.0.0.0/8,[::1],239.255.0.1)\n');
  });
});
