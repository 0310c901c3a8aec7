// Splits an argument field into argv the way a POSIX shell would for the
// simple cases people type: blanks separate words, single quotes keep text
// as is, double quotes keep blanks, a backslash escapes the next character.
// No expansion of any kind: there is no shell behind the field.

export class ArgsError extends Error {}

export function splitArgs(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < line.length && (line[i + 1] === '"' || line[i + 1] === '\\')) word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new ArgsError('the arguments end with a lone backslash');
      word += line[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new ArgsError(`unmatched ${quote} in the arguments`);
  if (inWord) words.push(word);
  return words;
}

/** The inverse, for showing argv back in a field: quotes only what needs it. */
export function joinArgs(args: readonly string[]): string {
  return args.map((a) => (a !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
