// Every module wasock builds imports only wasi_snapshot_preview1 functions
// from the ABI table (docs/abi.md) and standard preview 1, so it also runs on
// WAMR's iwasm; and every such name is one the host provides.

import { expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers/programs.js';
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

it('every built module imports only ABI-table and preview 1 names, all provided by the host', () => {
  const allowed = new Set([...abiTableNames(), ...PREVIEW1]);
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
