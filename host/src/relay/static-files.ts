// The demo page's files, served from one directory. Every response carries
// the cross-origin isolation headers (the guest's SharedArrayBuffer needs
// them); paths are decoded segment by segment and must stay inside the
// directory, symbolic links included.

import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.c': 'text/plain; charset=utf-8',
  '.h': 'text/plain; charset=utf-8',
};

/** Headers on every response of the relay's HTTP server. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
});

export function contentType(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** Writes a short plain-text response. */
export function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...ISOLATION_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(`${text}\n`);
}

/**
 * The file for a URL path, or null when there is none to serve. Segments are
 * percent-decoded one by one, so `%2f` cannot smuggle a separator and `..`,
 * `.`, backslashes and NUL are refused whatever their spelling.
 */
export function resolvePath(root: string, pathname: string): string | null {
  const segments: string[] = [];
  for (const raw of pathname.split('/')) {
    if (raw === '') continue;
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (seg === '.' || seg === '..' || /[/\\\0]/.test(seg)) return null;
    segments.push(seg);
  }
  const path = join(root, ...segments);
  return path === root || path.startsWith(root + sep) ? path : null;
}

export class StaticFiles {
  private realRoot: Promise<string | null>;

  /** `root` null serves nothing (404 with `missing` as the explanation). */
  constructor(private readonly root: string | null, private readonly missing: string) {
    this.realRoot = root === null ? Promise.resolve(null) : realpath(root).catch(() => null);
  }

  async serve(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    const root = await this.realRoot;
    if (root === null) return plain(res, 404, this.missing);
    let file = resolvePath(root, pathname);
    if (file === null) return plain(res, 404, 'not found');
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      // A symbolic link inside the directory must not lead outside it.
      const real = await realpath(file);
      if (!real.startsWith(root + sep)) return plain(res, 404, 'not found');
      const info = await stat(real);
      if (!info.isFile()) return plain(res, 404, 'not found');
      res.writeHead(200, {
        ...ISOLATION_HEADERS,
        'Content-Type': contentType(real),
        'Content-Length': String(info.size),
        'Cache-Control': 'no-cache',
      });
      if (req.method === 'HEAD') return void res.end();
      createReadStream(real).on('error', () => res.destroy()).pipe(res);
    } catch {
      plain(res, 404, 'not found');
    }
  }
}
