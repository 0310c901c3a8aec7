// The programs the page offers: the wasm builds copied to examples/ by
// tools/build-web.mjs and listed in examples/index.json, each compiled once
// and checked like the CLI checks a module; plus files the user loads.
// Pairs named X_server / X_client (or server / client) become presets.

import { load } from '../host/src/api/browser.js';

export interface Program {
  /** argv[0] and the label: the file name without .wasm. */
  name: string;
  /** Where the bytes are, or null for an uploaded file. */
  url: string | null;
  /** Built from c-src/examples (rather than a conformance test). */
  example: boolean;
}

export interface Preset {
  id: string;
  title: string;
  panes: { program: string; args: string }[];
}

interface Manifest {
  programs: { name: string; file: string; example: boolean }[];
}

// Suggested arguments: the port every tutorial uses, on loopback.
const SUGGESTED_ARGS: Record<string, string> = {
  udp_client: '127.0.0.1 8080 hello',
  // Its input is a file added to the pane's directory, /data.
  upcase: '/data/in.txt /data/out.txt',
};

// How many clients a preset starts with: a chat needs two to be a chat.
const PRESET_CLIENTS: Record<string, number> = {
  chat_server: 2,
};

// How a preset is titled: the stem of X_server / X_client, or TCP for the tutorial's pair.
const PRESET_TITLES: Record<string, string> = { '': 'TCP', udp: 'UDP', chat: 'Chat' };

export function suggestedArgs(name: string): string {
  if (name in SUGGESTED_ARGS) return SUGGESTED_ARGS[name];
  if (/server$/.test(name)) return '8080';
  if (/client$/.test(name)) return '127.0.0.1 8080';
  return '';
}

export class Catalog {
  readonly programs: Program[] = [];
  private readonly modules = new Map<string, Promise<WebAssembly.Module>>();

  static async load(manifestUrl: string): Promise<Catalog> {
    const catalog = new Catalog();
    const response = await fetch(manifestUrl);
    if (!response.ok) throw new Error(`cannot load the example list (${manifestUrl}: HTTP ${response.status})`);
    const manifest = (await response.json()) as Manifest;
    const base = new URL(manifestUrl, location.href);
    for (const p of manifest.programs) catalog.programs.push({ name: p.name, url: new URL(p.file, base).href, example: p.example });
    return catalog;
  }

  find(name: string): Program | undefined {
    return this.programs.find((p) => p.name === name);
  }

  /** Server/client pairs among the examples, the tutorial's own pair first. */
  presets(): Preset[] {
    const presets: Preset[] = [];
    for (const server of this.programs.filter((p) => p.example && /(^|_)server$/.test(p.name))) {
      const stem = server.name.replace(/server$/, '');
      const client = this.find(`${stem}client`);
      if (!client) continue;
      const id = stem.replace(/_$/, '');
      const clients = PRESET_CLIENTS[server.name] ?? 1;
      presets.push({
        id: id === '' ? 'tcp' : id,
        title: `${PRESET_TITLES[id] ?? id} — ${server.name} + ${clients > 1 ? `${clients} × ` : ''}${client.name}`,
        panes: [
          { program: server.name, args: suggestedArgs(server.name) },
          ...Array.from({ length: clients }, () => ({ program: client.name, args: suggestedArgs(client.name) })),
        ],
      });
    }
    const first = ['tcp', 'udp'];
    const rank = (p: Preset) => (first.includes(p.id) ? first.indexOf(p.id) : first.length);
    return presets.sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id));
  }

  /** Adds (or replaces) an uploaded module under its file name. */
  addUpload(fileName: string, bytes: Uint8Array): Program {
    const name = fileName.replace(/\.wasm$/i, '') || 'program';
    const existing = this.programs.findIndex((p) => p.name === name && p.url === null);
    const program: Program = { name, url: null, example: false };
    if (existing >= 0) this.programs[existing] = program;
    else this.programs.push(program);
    this.modules.set(this.key(program), load(bytes, fileName));
    return program;
  }

  module(program: Program): Promise<WebAssembly.Module> {
    const key = this.key(program);
    let module = this.modules.get(key);
    if (!module) {
      module = fetchModule(program);
      // A failed fetch may succeed later (the server came back): do not keep it.
      module.catch(() => this.modules.delete(key));
      this.modules.set(key, module);
    }
    return module;
  }

  private key(program: Program): string {
    return program.url ?? `upload:${program.name}`;
  }
}

async function fetchModule(program: Program): Promise<WebAssembly.Module> {
  const response = await fetch(program.url!);
  if (!response.ok) throw new Error(`cannot load ${program.name}.wasm: HTTP ${response.status}`);
  return load(new Uint8Array(await response.arrayBuffer()), `${program.name}.wasm`);
}
