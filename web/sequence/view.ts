// Draws a Diagram (sequence/model.ts) as SVG: a lifeline per program under
// its terminal, one box per socket call, and arrows between lifelines for
// connections, data, end-of-file and datagrams, the way socket tutorials
// draw the client/server flow. Traffic with programs elsewhere (a native
// peer reached through the relay) goes to an "outside this page" lifeline.

import { svg } from '../dom.js';
import type { ArrowKind, Diagram, DiagramRow } from './model.js';

export interface Lane {
  id: number;
  /** Centre of the lifeline, in SVG pixels. */
  x: number;
  title: string;
  color: string;
}

export type Side = 'left' | 'right';

/** Room above the first row; the lane titles are drawn separately (they stay in view). */
const TOP = 14;
const ROW = 26;
export const TITLE_HEIGHT = 40;
const BOX_H = 20;
const PAD_X = 9;
const FONT = '12px "DejaVu Sans Mono", Menlo, Consolas, monospace';
/** Distance of the "outside this page" lifelines from the edges. */
const OUTSIDE_MARGIN = 80;
const OUTSIDE_COLOR = '#6e7781';
const OUTSIDE_TITLE = 'outside this page';

const ARROW_COLORS: Record<ArrowKind, string> = {
  connect: '#8fb6ff',
  data: '#7ee2a8',
  eof: '#8b96a5',
  datagram: '#e3b341',
};

let measureContext: CanvasRenderingContext2D | null = null;
/** Widths of labels already measured: every redraw draws mostly the same ones. */
const measured = new Map<string, number>();
const MAX_CACHED_WIDTHS = 4096;

function textWidth(text: string): number {
  const known = measured.get(text);
  if (known !== undefined) return known;
  measureContext ??= document.createElement('canvas').getContext('2d');
  let width = text.length * 7.3;
  if (measureContext) {
    measureContext.font = FONT;
    width = measureContext.measureText(text).width;
  }
  // A run's label changes with every call it takes in; start over rather than grow.
  if (measured.size >= MAX_CACHED_WIDTHS) measured.clear();
  measured.set(text, width);
  return width;
}

function boxWidth(row: DiagramRow): number {
  return Math.ceil(textWidth(row.label)) + PAD_X * 2;
}

function rowY(row: number): number {
  return TOP + row * ROW + ROW / 2;
}

function size(target: SVGSVGElement, width: number, height: number): void {
  target.setAttribute('width', String(width));
  target.setAttribute('height', String(height));
  target.setAttribute('viewBox', `0 0 ${width} ${height}`);
}

/** A lane talks to the outside through the nearer edge. */
function sideOf(lane: Lane, width: number): Side {
  return lane.x < width / 2 ? 'left' : 'right';
}

function outsideX(side: Side, width: number): number {
  return side === 'left' ? OUTSIDE_MARGIN : width - OUTSIDE_MARGIN;
}

/** The edges that need an "outside this page" lifeline for this diagram. */
export function outsideSides(diagram: Diagram, lanes: Lane[], width: number): Set<Side> {
  const byId = new Map(lanes.map((l) => [l.id, l]));
  const sides = new Set<Side>();
  for (const stub of diagram.stubs) {
    const lane = byId.get(diagram.rows[stub.row].lane);
    if (lane) sides.add(sideOf(lane, width));
  }
  return sides;
}

/** The lane titles, in their own strip so they stay in view while the rows scroll. */
export function renderTitles(target: SVGSVGElement, lanes: Lane[], width: number, outside: Set<Side>): void {
  size(target, width, TITLE_HEIGHT);
  target.replaceChildren();
  const outsideLanes = [...outside].map((side) => ({ id: -1, x: outsideX(side, width), title: OUTSIDE_TITLE, color: OUTSIDE_COLOR }));
  for (const lane of [...lanes, ...outsideLanes]) {
    const w = Math.ceil(textWidth(lane.title)) + 30;
    target.append(
      svg('line', { x1: lane.x, y1: 34, x2: lane.x, y2: TITLE_HEIGHT, class: lane.id < 0 ? 'lifeline lifeline-outside' : 'lifeline', stroke: lane.color }),
      svg('g', { class: lane.id < 0 ? 'lane-title lane-outside' : 'lane-title' },
        svg('rect', { x: lane.x - w / 2, y: 8, width: w, height: 26, rx: 13, stroke: lane.color }),
        svg('circle', { cx: lane.x - w / 2 + 13, cy: 21, r: 4, fill: lane.color }),
        svg('text', { x: lane.x + 6, y: 25, 'text-anchor': 'middle' }, lane.title),
      ),
    );
  }
}

export function renderDiagram(target: SVGSVGElement, diagram: Diagram, lanes: Lane[], width: number, minHeight: number, outside: Set<Side>): void {
  const laneById = new Map(lanes.map((l) => [l.id, l]));
  const height = Math.max(TOP + diagram.rows.length * ROW + 16, minHeight);
  size(target, width, height);
  target.replaceChildren(defs());

  for (const lane of lanes) {
    target.append(svg('line', { x1: lane.x, y1: 0, x2: lane.x, y2: height, class: 'lifeline', stroke: lane.color }));
  }
  for (const side of outside) {
    const x = outsideX(side, width);
    target.append(svg('line', { x1: x, y1: 0, x2: x, y2: height, class: 'lifeline lifeline-outside', stroke: OUTSIDE_COLOR }));
  }

  const widths = diagram.rows.map(boxWidth);
  /** Where an arrow leaves or meets a row's box: the side facing `towards`. */
  const edge = (row: number, towards: number) => {
    const lane = laneById.get(diagram.rows[row].lane)!;
    return towards >= lane.x ? lane.x + widths[row] / 2 : lane.x - widths[row] / 2;
  };

  // Arrows under the boxes, so a box is never crossed out by a line.
  const arrowLayer = svg('g', { class: 'arrows' });
  const lifelines = lanes.map((l) => l.x);
  for (const a of diagram.arrows) {
    const from = laneById.get(diagram.rows[a.from].lane);
    const to = laneById.get(diagram.rows[a.to].lane);
    if (!from || !to || from === to) continue;
    arrowLayer.append(arrow(edge(a.from, to.x), rowY(a.from), edge(a.to, from.x), rowY(a.to), a.kind, a.label, lifelines));
  }
  for (const stub of diagram.stubs) {
    const lane = laneById.get(diagram.rows[stub.row].lane);
    if (!lane) continue;
    const far = outsideX(sideOf(lane, width), width);
    const near = edge(stub.row, far);
    const y = rowY(stub.row);
    arrowLayer.append(stub.direction === 'out' ? arrow(near, y, far, y, stub.kind, stub.label) : arrow(far, y, near, y, stub.kind, stub.label));
  }
  target.append(arrowLayer);

  diagram.rows.forEach((row, i) => {
    const lane = laneById.get(row.lane);
    if (!lane) return;
    const w = widths[i];
    const y = rowY(i);
    const pill = row.tone === 'end' || row.tone === 'fault';
    target.append(
      svg('g', { class: `call tone-${row.tone}`, 'data-lane': row.lane },
        svg('rect', { x: lane.x - w / 2, y: y - BOX_H / 2, width: w, height: BOX_H, rx: pill ? BOX_H / 2 : 4, stroke: row.tone === 'call' ? lane.color : undefined }),
        svg('text', { x: lane.x, y: y + 4, 'text-anchor': 'middle' }, row.label),
      ),
    );
  });
}

/**
 * Where along an arrow its label goes: the middle of the stretch before the
 * first lifeline it crosses, so a label never sits on another program's calls.
 */
function labelAt(x1: number, x2: number, lifelines: number[]): number {
  const between = lifelines.filter((x) => (x - x1) * (x - x2) < 0);
  const first = between.length === 0 ? x2 : x2 > x1 ? Math.min(...between) : Math.max(...between);
  return (x1 + first) / 2;
}

function arrow(x1: number, y1: number, x2: number, y2: number, kind: ArrowKind, label: string, lifelines: number[] = []): SVGGElement {
  const color = ARROW_COLORS[kind];
  const lx = labelAt(x1, x2, lifelines);
  // On the line at that x, lifted above it.
  const ly = y1 + ((y2 - y1) * (lx - x1)) / (x2 - x1 || 1) - 6;
  const w = textWidth(label) + 8;
  return svg('g', { class: `arrow arrow-${kind}` },
    svg('line', { x1, y1, x2, y2, stroke: color, 'marker-end': `url(#head-${kind})`, 'stroke-dasharray': kind === 'eof' ? '5 4' : undefined }),
    // Above the arrow's middle, on a patch of background so lifelines do not cross the text.
    svg('rect', { x: lx - w / 2, y: ly - 11, width: w, height: 15, rx: 3, class: 'arrow-label-bg' }),
    svg('text', { x: lx, y: ly, 'text-anchor': 'middle', fill: color, class: 'arrow-label' }, label),
  );
}

function defs(): SVGDefsElement {
  const d = svg('defs');
  for (const [kind, color] of Object.entries(ARROW_COLORS)) {
    d.append(
      svg('marker', { id: `head-${kind}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
        svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: color }),
      ),
    );
  }
  return d;
}
