// Deliberate deviations: scripts the differential fuzzer runs natively but
// does not compare on some wasock target, each by a named rule that says why
// (the README's list of deviations names the same ones). A script is never
// skipped silently: the runner counts what each rule excluded.

import type { Host, } from './run.js';
import type { Script } from './generate.js';

export interface Rule {
  name: string;
  why: string;
  /** True when `script` on these hosts meets the deviation. */
  applies(script: Script, hosts: [Host, Host]): boolean;
}

function programs(script: Script): string[][] {
  return script.kind === 'single' ? [script.ops] : [script.server, script.client];
}

/**
 * A connect to a port some TCP socket of the same program has bound but
 * is not listening on. Node cannot bind a TCP socket without listening,
 * so wasock listens at bind(): natively ECONNREFUSED, on wasock the connect
 * succeeds. (The generator never aims there on purpose; misuse steps can.)
 */
function connectsToBoundNotListening(script: Script): boolean {
  const all = programs(script);
  const bound = new Map<string, number>(); // port → listening?
  const tcp = new Set<string>();
  const ports = new Map<string, string>(); // handle → port
  for (const ops of all) {
    for (const op of ops) {
      const [name, h, a, b] = op.split(' ');
      if (name === 'socket' && a.startsWith('tcp')) tcp.add(h);
      if (name === 'socket' && a.startsWith('udp')) tcp.delete(h);
      if (name === 'bind' && tcp.has(h) && b.startsWith('p')) {
        ports.set(h, b);
        if (!bound.has(b)) bound.set(b, 0);
      }
      if (name === 'listen' && ports.has(h)) bound.set(ports.get(h)!, 1);
    }
  }
  for (const ops of all) {
    for (const op of ops) {
      const [name, , , port] = op.split(' ');
      if (name === 'connect' && bound.get(port) === 0) return true;
    }
  }
  return false;
}

export const RULES: Rule[] = [
  {
    name: 'relay-shutdown-with-data-in-flight',
    why: 'a shutdown both ways while bytes are still on their way from the relay to the page takes them for data that arrived after it, and resets the connection; Linux, whose kernel already held them, does not',
    applies: (script, hosts) => hosts.includes('relay') && (script.tags ?? []).includes('shutdown-with-unread'),
  },
  {
    name: 'relay-close-with-unread',
    why: 'a close() with the peer\'s bytes unread is a reset; over the relay it can overtake the closing program\'s own last sends still queued on the page (credit window), which the peer then never reads, where natively they were already in its kernel',
    applies: (script, hosts) => hosts.includes('relay') && (script.tags ?? []).includes('close-with-unread'),
  },
  {
    name: 'reset-before-accept',
    why: 'a connection its peer reset before Node accepted it has lost its address in Node (remoteAddress is undefined), so a wasm server on real sockets never sees it; natively accept() returns it with its data',
    // Only with a native client: a wasm client's reset comes after Node's
    // eager accept. The in-page network has no such window.
    applies: (script, hosts) => script.kind === 'pair' && hosts[1] === 'native' && (hosts[0] === 'node' || hosts[0] === 'relay') && (script.tags ?? []).includes('reset-before-accept'),
  },
  {
    name: 'bound-not-listening',
    why: 'Node cannot bind a TCP socket without listening: wasock listens at bind(), so a connect there succeeds',
    applies: (script, hosts) => hosts.some((h) => h !== 'native') && connectsToBoundNotListening(script),
  },
];

/** Counts per rule name, for the runner's summary. */
export const excludedCounts = new Map<string, number>();

/** The name of the first rule that excludes this script on these hosts, or null. */
export function exclusions(script: Script, hosts: [Host, Host]): string | null {
  for (const rule of RULES) {
    if (rule.applies(script, hosts)) {
      excludedCounts.set(rule.name, (excludedCounts.get(rule.name) ?? 0) + 1);
      return rule.name;
    }
  }
  return null;
}
