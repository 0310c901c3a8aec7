// A preopened host directory and the sandbox around it: every path a guest
// passes is resolved here, one component at a time, before node:fs sees it.
//
// Node has no openat(), so the sandbox cannot lean on the kernel: the walk
// lstat()s each component, expands symbolic links itself (relative targets
// only, at most MAX_LINKS of them), and refuses `..` above the mount's root
// and absolute paths or link targets (ENOTCAPABLE). What reaches node:fs is
// the mount's real path plus components that were each seen to be a real
// directory, and one final name that the caller acts on without following
// it (or that does not exist yet). docs/security.md describes the boundary.

import { lstatSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { E } from '../abi/errno.js';
import { GuestError } from '../wasi/guest-memory.js';

/** Linux's limit on symbolic links expanded in one lookup (ELOOP beyond). */
export const MAX_LINKS = 40;

export class Mount {
  /** The host directory's real path (no symbolic links in it). */
  readonly root: string;

  constructor(hostDir: string, readonly guestName: string, readonly readOnly: boolean) {
    this.root = realpathSync(hostDir);
    if (!statSync(this.root).isDirectory()) throw new Error(`${hostDir}: not a directory`);
  }

  /** The host path of components below the root (each one a plain name). */
  hostPath(rel: readonly string[], name: string | null = null): string {
    let path = this.root;
    for (const c of rel) path += `/${c}`;
    if (name !== null) path += `/${name}`;
    return path;
  }
}

/**
 * Where a guest path leads: the directory it ends in (`dir`, components
 * below the root, each a real directory) and its last component (`name`).
 * `name` is null when the path names `dir` itself (".", "a/..", "a/.");
 * `last` then says which ("." or ".."), because the kernel's errnos differ.
 * An unfollowed final symbolic link stays as `name`.
 */
export interface Resolved {
  dir: string[];
  name: string | null;
  last: '.' | '..' | null;
  /** The path ended in "/": its object must be a directory. */
  trailingSlash: boolean;
}

function lstatOrNull(path: string) {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Resolves `path` relative to `base` (components below the mount's root).
 * `follow`: expand a symbolic link in the final component too (a trailing
 * slash always does, as in the kernel).
 */
export function resolve(mount: Mount, base: readonly string[], path: string, follow: boolean, links = { count: 0 }): Resolved {
  if (path === '') throw new GuestError(E.NOENT);
  if (path.startsWith('/')) throw new GuestError(E.NOTCAPABLE);
  if (path.includes('\0')) throw new GuestError(E.INVAL);
  const trailingSlash = path.endsWith('/');
  const parts = path.split('/').filter((p) => p !== '');
  const dir = [...base];
  for (let i = 0; i < parts.length; i++) {
    const c = parts[i];
    const isLast = i === parts.length - 1;
    if (c === '.' || c === '..') {
      if (c === '..') {
        if (dir.length === 0) throw new GuestError(E.NOTCAPABLE);
        dir.pop();
      }
      if (isLast) return { dir, name: null, last: c, trailingSlash };
      continue;
    }
    if (isLast && !follow && !trailingSlash) return { dir, name: c, last: null, trailingSlash };
    const st = lstatOrNull(mount.hostPath(dir, c));
    if (st === null) {
      if (isLast) return { dir, name: c, last: null, trailingSlash };
      throw new GuestError(E.NOENT);
    }
    if (st.isSymbolicLink()) {
      if (++links.count > MAX_LINKS) throw new GuestError(E.LOOP);
      const target = readlinkSync(mount.hostPath(dir, c), 'utf8');
      if (target === '') throw new GuestError(E.NOENT);
      // An absolute target leaves the mount whatever it names.
      if (target.startsWith('/')) throw new GuestError(E.NOTCAPABLE);
      const rest = parts.slice(i + 1).join('/');
      const next = rest !== '' ? `${target}/${rest}${trailingSlash ? '/' : ''}` : `${target}${trailingSlash ? '/' : ''}`;
      return resolve(mount, dir, next, follow, links);
    }
    if (isLast) return { dir, name: c, last: null, trailingSlash };
    if (!st.isDirectory()) throw new GuestError(E.NOTDIR);
    dir.push(c);
  }
  // Only "." and ".." components, or only slashes (not absolute: impossible).
  return { dir, name: null, last: '.', trailingSlash };
}

/**
 * Whether a symbolic link placed in `dir` with this target text stays
 * inside the mount when followed (lexically: the target's own components;
 * links inside it are checked again when they are followed).
 */
export function targetStaysInside(dir: readonly string[], target: string): boolean {
  if (target === '' || target.startsWith('/') || target.includes('\0')) return false;
  let depth = dir.length;
  for (const c of target.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') {
      if (--depth < 0) return false;
    } else depth++;
  }
  return true;
}
