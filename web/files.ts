// A program's directory on the page: what the pane's program finds under
// /data (host/src/browser/memory-dir.ts) when it starts, and what it left
// there. Files are added from the user's disk before a run and downloaded
// during or after one. While the program runs, its worker holds the
// directory and sends it back as it changes (and once more at its end);
// the list follows, and adding or removing files waits for the end.

import { h, svg } from './dom.js';
import { BROWSER_DIR, type DirEntry } from '../host/src/api/browser.js';

export interface FileInfo {
  path: string;
  size: number;
}

export class FilesView {
  readonly element: HTMLElement;
  private entries: DirEntry[] = [];
  private running = false;
  private readonly list: HTMLElement;
  private readonly addButton: HTMLButtonElement;
  private readonly summary: HTMLElement;

  constructor(private readonly n: number) {
    const input = h('input', { type: 'file', multiple: true, hidden: true, 'data-testid': `dir-input-${n}`, onchange: (e) => void this.add(e.target as HTMLInputElement) });
    this.addButton = h('button', { type: 'button', class: 'icon', 'data-testid': `dir-add-${n}`, 'aria-label': `Add files to ${BROWSER_DIR}`, onclick: () => input.click() }, uploadIcon());
    this.summary = h('span', { class: 'files-summary' });
    this.list = h('ul', { class: 'files-list', 'data-testid': `dir-list-${n}` });
    this.element = h('div', { class: 'files', 'data-testid': `dir-${n}` },
      h('div', { class: 'files-head' },
        h('span', { class: 'files-name', title: `The program's directory: open("${BROWSER_DIR}/name") in C` }, BROWSER_DIR),
        this.summary,
        h('span', { class: 'spacer' }),
        this.addButton,
        input,
      ),
      this.list,
    );
    this.render();
  }

  /** What the program starts with. */
  contents(): DirEntry[] {
    return this.entries;
  }

  /** The files, for the test hooks. */
  files(): FileInfo[] {
    return this.entries.filter((e) => e.bytes !== undefined).map((e) => ({ path: e.path, size: e.bytes!.length }));
  }

  setRunning(running: boolean): void {
    this.running = running;
    this.render();
  }

  /** The program's directory as its worker last reported it. */
  replace(entries: DirEntry[]): void {
    this.entries = entries;
    this.render();
  }

  private async add(input: HTMLInputElement): Promise<void> {
    const chosen = Array.from(input.files ?? []);
    input.value = '';
    if (this.running) return;
    const added = await Promise.all(chosen.map(async (f) => ({ path: safeName(f.name), bytes: new Uint8Array(await f.arrayBuffer()) })));
    const names = new Set(added.map((e) => e.path));
    this.entries = [...this.entries.filter((e) => !names.has(e.path)), ...added].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    this.render();
  }

  private remove(path: string): void {
    if (this.running) return;
    this.entries = this.entries.filter((e) => e.path !== path && !e.path.startsWith(`${path}/`));
    this.render();
  }

  private download(entry: DirEntry): void {
    const url = URL.createObjectURL(new Blob([entry.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
    const a = h('a', { href: url, download: entry.path.split('/').pop()! });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  private render(): void {
    const files = this.entries.filter((e) => e.bytes !== undefined);
    const bytes = files.reduce((sum, e) => sum + e.bytes!.length, 0);
    this.summary.textContent = files.length === 0 ? 'empty' : `${files.length} file${files.length === 1 ? '' : 's'}, ${formatSize(bytes)}`;
    this.addButton.disabled = this.running;
    this.addButton.title = this.running ? 'Files can be added before the program runs' : `Add files to ${BROWSER_DIR}`;
    this.list.replaceChildren(...files.map((e) => h('li', { class: 'file', 'data-path': e.path },
      h('button', { type: 'button', class: 'file-name', title: `Download ${BROWSER_DIR}/${e.path}`, 'data-testid': `dir-download-${this.n}`, 'data-path': e.path, onclick: () => this.download(e) }, e.path),
      h('span', { class: 'file-size' }, formatSize(e.bytes!.length)),
      h('button', { type: 'button', class: 'icon file-remove', title: 'Remove', 'aria-label': `Remove ${e.path}`, 'data-testid': `dir-remove-${this.n}`, 'data-path': e.path, disabled: this.running, onclick: () => this.remove(e.path) }, '×'),
    )));
  }
}

/** A file the user adds lands at the top of the directory, under its own name. */
function safeName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  return base === '' || base === '.' || base === '..' ? 'file' : base;
}

function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function uploadIcon(): SVGSVGElement {
  return svg('svg', { width: 16, height: 16, viewBox: '0 0 16 16', 'aria-hidden': 'true' },
    svg('path', { d: 'M8 10.5V2.5M4.5 6 8 2.5 11.5 6M2.5 10.5v3h11v-3', fill: 'none', stroke: 'currentColor', 'stroke-width': 1.5, 'stroke-linecap': 'round', 'stroke-linejoin': 'round' }));
}
