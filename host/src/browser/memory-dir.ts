// The browser guest's one preopened directory, BROWSER_DIR: a tree in the
// guest worker's memory (browser_wasi_shim's in-memory Directory and File),
// filled at start from the page's copy and reported back to the page as the
// program changes it. A browser has no host directory to give, and the
// shim's in-memory model is what a tab needs: the guest sees ordinary
// files (create, write, read back, list, rename, unlink, mkdir), numbered
// in the one descriptor table with its sockets (wasi/file-imports.ts).
//
// The page cannot reach into a running worker (the guest runs
// synchronously), so the worker sends the page a snapshot of the whole tree:
// when the program ends, and while it runs, whenever the tree changed and
// the guest goes to sleep (a blocking call) at most every SYNC_INTERVAL_MS.

import { Directory, File, OpenDirectory, OpenFile, PreopenDirectory, type Fd, type Inode } from '@bjorn3/browser_wasi_shim';
import type { HostFsLayer } from '../wasi/guest-imports.js';
import { LOOKUPFLAGS, OFLAGS, RIGHT } from '../abi/wasi.js';
import { E } from '../abi/errno.js';
import { guarded } from '../wasi/file-imports.js';

import { BROWSER_DIR, type DirEntry } from './dir-entry.js';

export { BROWSER_DIR, type DirEntry };

/** At most one snapshot per this many ms while the program runs. */
export const SYNC_INTERVAL_MS = 250;

/** A valid entry path: relative, no empty, `.` or `..` components. */
export function validEntryPath(path: string): boolean {
  return path !== '' && path.split('/').every((c) => c !== '' && c !== '.' && c !== '..' && !c.includes('\0'));
}

/** The preopened directory for a guest, holding `entries` (parents are made as needed). */
export function memoryPreopen(entries: readonly DirEntry[]): PreopenDirectory {
  // A plain tree first: the shim links a directory to its parent (for "..")
  // only when the parent is constructed with it, so Directories are made leaves first.
  type Node = Map<string, Node> | Uint8Array;
  const root = new Map<string, Node>();
  for (const entry of entries) {
    if (!validEntryPath(entry.path)) continue;
    const parts = entry.path.split('/');
    const last = parts.pop()!;
    let dir = root;
    for (const part of parts) {
      let next = dir.get(part);
      if (!(next instanceof Map)) dir.set(part, (next = new Map()));
      dir = next;
    }
    if (entry.bytes === undefined) {
      if (!(dir.get(last) instanceof Map)) dir.set(last, new Map());
    } else {
      dir.set(last, entry.bytes);
    }
  }
  const inodes = (dir: Map<string, Node>): Map<string, Inode> =>
    new Map([...dir].map(([name, node]) => [name, node instanceof Map ? new Directory(inodes(node)) : new File(node)]));
  return new PreopenDirectory(BROWSER_DIR, inodes(root));
}

/** Every entry of the tree, parents before children, sorted by path; file bytes are copies. */
export function snapshot(preopen: PreopenDirectory): DirEntry[] {
  const out: DirEntry[] = [];
  const walk = (dir: Directory, prefix: string) => {
    for (const name of [...dir.contents.keys()].sort()) {
      const inode = dir.contents.get(name)!;
      const path = prefix + name;
      if (inode instanceof Directory) {
        out.push({ path });
        walk(inode, `${path}/`);
      } else if (inode instanceof File) {
        out.push({ path, bytes: inode.data.slice() });
      }
    }
  };
  walk(preopen.dir, '');
  return out;
}

function isMemoryFd(obj: Fd | undefined): boolean {
  return obj instanceof OpenFile || obj instanceof OpenDirectory;
}

/**
 * Calls that may change the tree, with the position of the descriptor
 * argument that says whether they act on it (the shim answers them; this
 * layer only notices).
 */
const MUTATING: Record<string, number> = {
  fd_write: 0, fd_pwrite: 0, fd_allocate: 0, fd_filestat_set_size: 0,
  path_open: 0, path_create_directory: 0, path_remove_directory: 0, path_unlink_file: 0,
  path_rename: 0, path_link: 0, path_symlink: 2,
};

/**
 * The import layer (wasi/guest-imports.ts) for the directory: the shim
 * answers, except where its in-memory model would answer otherwise than
 * Linux does for a common call — mkdir of an existing name (the shim
 * succeeds; EEXIST) and opening a directory to write or create (EISDIR) —
 * and `changed` is called after any call that may have changed the tree.
 */
export function memoryDirImports(changed: () => void): HostFsLayer {
  return (ctx, below) => {
    type Call = (...args: unknown[]) => number;
    const layer: Record<string, Call> = {};
    const dirAt = (fd: number) => {
      const obj = ctx.fds[fd];
      return obj instanceof OpenDirectory ? obj : null;
    };
    const isDir = (dir: OpenDirectory, path: string) => {
      const { inode_obj } = dir.path_lookup(path, LOOKUPFLAGS.SYMLINK_FOLLOW);
      return inode_obj instanceof Directory;
    };
    for (const [name, at] of Object.entries(MUTATING)) {
      const call = below[name] as unknown as Call;
      if (call === undefined) continue;
      layer[name] = (...args: unknown[]) => {
        // Opening changes nothing unless it creates or truncates.
        const mine = isMemoryFd(ctx.fds[args[at] as number]) && (name !== 'path_open' || ((args[4] as number) & (OFLAGS.CREAT | OFLAGS.TRUNC)) !== 0);
        const errno = call(...args);
        if (mine && errno === 0) changed();
        return errno;
      };
    }
    const mkdir = layer.path_create_directory;
    layer.path_create_directory = (fd, ptr, len) => guarded(() => {
      const dir = dirAt(fd as number);
      if (dir !== null && dir.path_lookup(ctx.mem.path(ptr as number, len as number), 0).inode_obj !== null) return E.EXIST;
      return mkdir(fd, ptr, len);
    });
    const open = layer.path_open;
    layer.path_open = (...args) => guarded(() => {
      const [fd, , ptr, len, oflags, rights] = args as [number, number, number, number, number, bigint];
      const dir = dirAt(fd);
      const writes = (oflags & (OFLAGS.CREAT | OFLAGS.TRUNC)) !== 0 || (rights & RIGHT.FD_WRITE) !== 0n;
      if (dir !== null && writes && (oflags & OFLAGS.EXCL) === 0 && isDir(dir, ctx.mem.path(ptr, len))) return E.ISDIR;
      return open(...args);
    });
    return layer as Record<string, (...args: never[]) => number>;
  };
}

/**
 * Sends snapshots of a running guest's directory: `dueIn` and `flush` make
 * it a batch that browser/trace-batch.ts's flushWhileAsleep sends while the
 * guest sleeps; `flush` at the end sends the final state.
 */
export class DirSync {
  private dirty = false;
  private last = -Infinity;

  constructor(private readonly preopen: PreopenDirectory, private readonly send: (entries: DirEntry[]) => void, private readonly now: () => number = () => performance.now()) {}

  changed(): void {
    this.dirty = true;
  }

  dueIn(): number | null {
    return this.dirty ? Math.max(0, this.last + SYNC_INTERVAL_MS - this.now()) : null;
  }

  flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.last = this.now();
    this.send(snapshot(this.preopen));
  }
}
