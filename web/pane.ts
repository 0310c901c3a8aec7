// One program on the page: which program, its arguments, Run/Stop, its
// state, and its terminal. Each pane is one lifeline of the diagram.

import { h } from './dom.js';
import { ArgsError, splitArgs } from './args.js';
import type { Catalog, Program } from './catalog.js';
import { suggestedArgs } from './catalog.js';
import type { Runner } from './runner.js';
import type { SequencePanel } from './sequence/panel.js';
import { TerminalView } from './terminal/terminal-view.js';
import { FilesView, uploadIcon } from './files.js';
import type { BrowserProgram, Outcome } from '../host/src/api/browser.js';

export type PaneState =
  | { kind: 'idle' }
  | { kind: 'starting' }
  | { kind: 'running' }
  | { kind: 'exited'; code: number }
  | { kind: 'trapped'; message: string }
  | { kind: 'stopped' }
  | { kind: 'failed'; message: string };

export const LANE_COLORS = ['#79b8ff', '#d2a8ff', '#76e3ea', '#f0a35e', '#7ee2a8', '#ff9bce'];

export interface PaneDeps {
  catalog: Catalog;
  runner: Runner;
  diagram: SequencePanel;
  /** Something about the pane changed that the page shows elsewhere (network lock, buttons). */
  changed(): void;
  /** The catalog gained a program (an upload): every pane lists it. */
  programsChanged(): void;
  remove(pane: Pane): void;
}

export class Pane {
  readonly element: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly args: HTMLInputElement;
  private readonly argv0: HTMLElement;
  private readonly runButton: HTMLButtonElement;
  private readonly badge: HTMLElement;
  private readonly message: HTMLElement;
  private readonly removeButton: HTMLButtonElement;
  private readonly terminal: TerminalView;
  /** The program's directory, /data. */
  readonly files: FilesView;
  private guest: BrowserProgram | null = null;
  private stateNow: PaneState = { kind: 'idle' };
  /** Resolves when the program reaches a point where peers can reach it (bind/listen) or ends. */
  private readyWaiters: (() => void)[] = [];
  private runSeq = 0;

  constructor(readonly lane: number, private readonly deps: PaneDeps) {
    const color = LANE_COLORS[lane % LANE_COLORS.length];
    const n = lane;
    this.select = h('select', { 'data-testid': `program-${n}`, 'aria-label': 'Program', onchange: () => this.programChanged() });
    const file = h('input', { type: 'file', accept: '.wasm,application/wasm', hidden: true, onchange: (e) => void this.upload(e.target as HTMLInputElement) });
    this.args = h('input', { type: 'text', class: 'args', spellcheck: 'false', autocomplete: 'off', 'data-testid': `args-${n}`, 'aria-label': 'Arguments', placeholder: 'arguments',
      onkeydown: (e) => { if ((e as KeyboardEvent).key === 'Enter') void this.run(); } });
    this.argv0 = h('span', { class: 'argv0' });
    this.badge = h('span', { class: 'badge', 'data-testid': `status-${n}` });
    this.runButton = h('button', { type: 'button', class: 'primary', 'data-testid': `run-${n}`, onclick: () => void (this.running ? this.stop() : this.run()) });
    this.removeButton = h('button', { type: 'button', class: 'icon', title: 'Remove this program', 'aria-label': 'Remove this program', 'data-testid': `remove-${n}`, onclick: () => deps.remove(this) }, '×');
    this.message = h('div', { class: 'pane-message', 'data-testid': `message-${n}` });
    const termHost = h('div', { class: 'term', 'data-testid': `terminal-${n}` });
    this.files = new FilesView(n);
    this.element = h('section', { class: 'pane', style: `--lane: ${color}`, 'data-testid': `pane-${n}` },
      h('header', { class: 'pane-head' },
        h('span', { class: 'lane-dot', 'aria-hidden': 'true' }),
        this.select,
        h('button', { type: 'button', class: 'icon', title: 'Load a .wasm file of your own', 'aria-label': 'Load a .wasm file', 'data-testid': `load-${n}`, onclick: () => file.click() }, uploadIcon()),
        file,
        h('span', { class: 'spacer' }),
        this.badge,
        this.runButton,
        this.removeButton,
      ),
      h('label', { class: 'cmdline' }, h('span', { class: 'prompt' }, '$'), this.argv0, this.args),
      termHost,
      this.message,
      this.files.element,
    );
    this.terminal = new TerminalView(termHost);
    termHost.addEventListener('mousedown', () => this.terminal.focus());
    this.fillPrograms();
    this.show();
  }

  get state(): PaneState {
    return this.stateNow;
  }

  get running(): boolean {
    return this.stateNow.kind === 'starting' || this.stateNow.kind === 'running';
  }

  get program(): Program | undefined {
    return this.deps.catalog.find(this.select.value);
  }

  /** Sets program and arguments (presets, tests). */
  configure(program: string, args: string): void {
    if (this.deps.catalog.find(program)) this.select.value = program;
    this.args.value = args;
    this.show();
  }

  setRemovable(removable: boolean): void {
    this.removeButton.hidden = !removable;
  }

  terminalText(): Promise<string> {
    return this.terminal.text();
  }

  /** Resolves once the program bound or listened (peers can reach it) or ended. */
  ready(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  async run(): Promise<void> {
    if (this.running) return;
    const program = this.program;
    if (!program) return;
    let argv: string[];
    try {
      argv = [`${program.name}.wasm`, ...splitArgs(this.args.value)];
    } catch (err) {
      this.setState({ kind: 'failed', message: err instanceof ArgsError ? err.message : String(err) });
      return;
    }
    const seq = ++this.runSeq;
    this.setState({ kind: 'starting' });
    this.terminal.clear();
    this.deps.diagram.clear(this.lane);
    let guest: BrowserProgram;
    try {
      const module = await this.deps.catalog.module(program);
      if (seq !== this.runSeq) return;
      guest = await this.deps.runner.start(module, argv, this.files.contents(), {
        output: (fd, bytes) => this.terminal.output(fd, bytes),
        dir: (entries) => {
          if (seq === this.runSeq) this.files.replace(entries);
        },
        deny: (line) => this.terminal.notice(line),
        trace: (event, at) => {
          this.deps.diagram.call(this.lane, event, at);
          if ((event.call === 'bind' || event.call === 'listen') && event.result === 0) this.markReady();
        },
      });
    } catch (err) {
      if (seq === this.runSeq) this.setState({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
      return;
    }
    if (seq !== this.runSeq) {
      void guest.stop();
      return;
    }
    this.guest = guest;
    this.terminal.begin({
      line: (text) => guest.stdin.write(text),
      eof: () => guest.stdin.end(),
      interrupt: () => void this.stop(),
    });
    this.setState({ kind: 'running' });
    this.terminal.focus();
    void guest.outcome.then((end) => {
      if (seq === this.runSeq) this.finished(end);
    });
  }

  async stop(): Promise<void> {
    if (this.stateNow.kind === 'starting') {
      // Not started yet: forget the pending start.
      this.runSeq++;
      this.setState({ kind: 'stopped' });
      return;
    }
    await this.guest?.stop();
  }

  private finished(end: Outcome): void {
    this.guest = null;
    this.terminal.end();
    const at = performance.timeOrigin + performance.now();
    switch (end.kind) {
      case 'exit':
        this.deps.diagram.end(this.lane, 'exit', `exit(${end.code})`, at, end.code);
        this.setState({ kind: 'exited', code: end.code });
        break;
      case 'trap':
        this.deps.diagram.end(this.lane, 'trap', 'trapped', at);
        this.setState({ kind: 'trapped', message: end.message });
        break;
      case 'killed':
        this.deps.diagram.end(this.lane, 'killed', 'stopped', at);
        this.setState({ kind: 'stopped' });
        break;
      case 'refused':
        this.setState({ kind: 'failed', message: end.message });
        break;
    }
  }

  private markReady(): void {
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private setState(state: PaneState): void {
    this.stateNow = state;
    this.files.setRunning(this.running);
    if (!this.running) this.markReady();
    this.show();
    this.deps.changed();
  }

  private show(): void {
    const s = this.stateNow;
    const program = this.program;
    this.argv0.textContent = program ? `${program.name}.wasm` : '';
    this.badge.dataset.state = s.kind;
    if (s.kind === 'exited') this.badge.dataset.code = String(s.code);
    else delete this.badge.dataset.code;
    const [badge, message] = describe(s);
    this.badge.textContent = badge;
    this.badge.className = `badge badge-${s.kind === 'exited' && s.code !== 0 ? 'failed' : s.kind}`;
    this.message.textContent = message;
    this.message.hidden = message === '';
    this.message.className = `pane-message msg-${s.kind === 'exited' && s.code !== 0 ? 'failed' : s.kind}`;
    this.runButton.textContent = this.running ? 'Stop' : 'Run';
    this.runButton.className = this.running ? 'danger' : 'primary';
    this.select.disabled = this.running;
    this.args.disabled = this.running;
  }

  fillPrograms(): void {
    const previous = this.select.value;
    const groups: [string, Program[]][] = [
      ['Examples', this.deps.catalog.programs.filter((p) => p.example)],
      ['Conformance tests', this.deps.catalog.programs.filter((p) => !p.example && p.url !== null)],
      ['Your files', this.deps.catalog.programs.filter((p) => p.url === null)],
    ];
    this.select.replaceChildren(
      ...groups.filter(([, list]) => list.length > 0).map(([label, list]) =>
        h('optgroup', { label }, ...list.map((p) => h('option', { value: p.name }, `${p.name}.wasm`)))),
    );
    if (previous) this.select.value = previous;
  }

  private programChanged(): void {
    const program = this.program;
    if (program) this.args.value = suggestedArgs(program.name);
    this.show();
  }

  private async upload(input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    const program = this.deps.catalog.addUpload(file.name, new Uint8Array(await file.arrayBuffer()));
    this.deps.programsChanged();
    this.select.value = program.name;
    this.args.value = '';
    this.show();
    // Checked now rather than at Run, so a wrong file is reported right away.
    try {
      await this.deps.catalog.module(program);
      if (!this.running) this.setState({ kind: 'idle' });
    } catch (err) {
      this.setState({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  }
}

function describe(s: PaneState): [badge: string, message: string] {
  switch (s.kind) {
    case 'idle': return ['ready', ''];
    case 'starting': return ['starting…', ''];
    case 'running': return ['running', ''];
    case 'exited': return [`exit ${s.code}`, `Exited with code ${s.code}.`];
    case 'trapped': return ['trapped', `Trapped: ${s.message}`];
    case 'stopped': return ['stopped', 'Stopped.'];
    case 'failed': return ['not started', s.message];
  }
}
