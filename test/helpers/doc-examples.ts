// The runnable examples of docs/api.md: a fenced block right after
// `<!-- example: NAME -->`, and its expected output, where there is one, in
// the block after `<!-- output: NAME -->`. The tests run every example.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './programs.js';

export interface DocExample {
  name: string;
  lang: string;
  code: string;
  output?: string;
}

export function docExamples(file = join(ROOT, 'docs', 'api.md')): DocExample[] {
  const text = readFileSync(file, 'utf8');
  const blocks = [...text.matchAll(/<!-- (example|output): ([\w-]+) -->\n```(\w*)\n([\s\S]*?)```\n/g)];
  const examples = new Map<string, DocExample>();
  for (const [, kind, name, lang, code] of blocks) {
    if (kind === 'example') examples.set(name, { name, lang, code });
    else {
      const example = examples.get(name);
      if (!example) throw new Error(`docs: output ${name} has no example before it`);
      example.output = code;
    }
  }
  return [...examples.values()];
}

/** The programs the examples use, as docs/api.md says (its directory holds these). */
export const DOC_PROGRAMS = ['server', 'client', 'udp_server', 'udp_client', 'chat_server', 'chat_client'];
