// The live sequence diagram: collects the trace events of every program on
// the page and redraws (at most once a frame) with each lifeline under its
// program's terminal.

import { h, svg } from '../dom.js';
import type { TraceEvent } from '../../host/src/wasi/trace.js';
import { buildDiagram, type Diagram, type DiagramEntry } from './model.js';
import { outsideSides, renderDiagram, renderTitles, TITLE_HEIGHT, type Lane } from './view.js';

/** Enough for any tutorial flow; a chatty program scrolls its oldest calls away. */
const MAX_ENTRIES = 600;

export class SequencePanel {
  readonly element: HTMLElement;
  private readonly canvas: SVGSVGElement;
  private readonly titles: SVGSVGElement;
  private readonly scroller: HTMLElement;
  private readonly note: HTMLElement;
  private readonly empty: HTMLElement;
  private entries: DiagramEntry[] = [];
  private dropped = 0;
  private scheduled = false;
  private current: Diagram = { rows: [], arrows: [], stubs: [] };

  /** `lanes` reports each program's lifeline position relative to the panel. */
  constructor(private readonly lanes: (panelLeft: number) => Lane[]) {
    this.canvas = svg('svg', { class: 'sequence', 'data-testid': 'diagram', role: 'img', 'aria-label': 'Sequence diagram of socket calls' });
    this.titles = svg('svg', { class: 'sequence sequence-titles', 'aria-hidden': 'true' });
    this.note = h('span', { class: 'panel-note' });
    this.empty = h('div', { class: 'diagram-empty' }, 'Run a program: its socket calls appear here, one lifeline per program.');
    this.scroller = h('div', { class: 'diagram-scroll' }, this.titles, this.canvas, this.empty);
    this.element = h('section', { class: 'panel diagram-panel', 'aria-label': 'Sequence diagram' },
      h('header', { class: 'panel-head' },
        h('h2', {}, 'Sequence diagram'),
        h('span', { class: 'legend' },
          h('i', { class: 'key key-connect' }), 'connection',
          h('i', { class: 'key key-data' }), 'data',
          h('i', { class: 'key key-datagram' }), 'datagram',
          h('i', { class: 'key key-eof' }), 'end of file'),
        this.note,
        h('button', { class: 'ghost', type: 'button', 'data-testid': 'diagram-clear', onclick: () => this.clear() }, 'Clear'),
      ),
      this.scroller,
    );
    new ResizeObserver(() => this.schedule()).observe(this.scroller);
  }

  /** Forgets one lane's calls (its program starts again), or everything. */
  clear(lane?: number): void {
    this.entries = lane === undefined ? [] : this.entries.filter((e) => e.lane !== lane);
    if (lane === undefined) this.dropped = 0;
    this.schedule();
  }

  call(lane: number, event: TraceEvent, at: number): void {
    this.push({ lane, at, call: event });
  }

  end(lane: number, kind: 'exit' | 'trap' | 'killed', text: string, at: number, code?: number): void {
    this.push({ lane, at, end: { kind, text, code } });
  }

  get diagram(): Diagram {
    return this.current;
  }

  /** Redraws now (lanes moved: a pane was added or removed). */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.draw();
    });
  }

  private push(entry: DiagramEntry): void {
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) {
      const excess = this.entries.length - MAX_ENTRIES;
      this.entries.splice(0, excess);
      this.dropped += excess;
    }
    this.schedule();
  }

  private draw(): void {
    const box = this.scroller.getBoundingClientRect();
    const atBottom = this.scroller.scrollTop + this.scroller.clientHeight >= this.scroller.scrollHeight - 4;
    this.current = buildDiagram(this.entries);
    const lanes = this.lanes(box.left);
    const width = this.scroller.clientWidth;
    const outside = outsideSides(this.current, lanes, width);
    renderTitles(this.titles, lanes, width, outside);
    renderDiagram(this.canvas, this.current, lanes, width, this.scroller.clientHeight - TITLE_HEIGHT, outside);
    this.empty.hidden = this.entries.length > 0;
    this.note.textContent = this.dropped > 0 ? `${this.dropped} earlier calls not shown` : '';
    // Follow the newest calls unless the reader scrolled up to look at older ones.
    if (atBottom) this.scroller.scrollTop = this.scroller.scrollHeight;
  }
}
