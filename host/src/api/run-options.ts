// The Node API's options as `wasock run` would take them: they are written
// out as its command line and read back by the CLI's own parser
// (cli/run-args.ts), so both accept and refuse exactly the same things with
// the same messages.

import { parseRunArgs, UsageError, type RunArgs } from '../cli/run-args.js';
import { OptionError } from './errors.js';

export interface DirOption {
  /** The host directory. */
  host: string;
  /** Where the program sees it (default: the same path). */
  guest?: string;
  /** Writes fail with EROFS. */
  readOnly?: boolean;
}

export interface NetworkOptions {
  /** true: everything; a list (string "A,B" or array): replaces the default, loopback only. */
  allowNet?: boolean | string | string[];
  /** Host directories to give the program: `{ host, guest?, readOnly? }` or `--dir`'s HOST[:GUEST[:ro]]. */
  dirs?: (string | DirOption)[];
  /** Environment: an object, or `K=V` strings. */
  env?: Record<string, string> | string[];
  /** Most sockets the program may have open. */
  maxSockets?: number;
  /** One line per socket call on stderr. */
  trace?: boolean;
}

function dirSpec(d: string | DirOption): string {
  if (typeof d === 'string') return d;
  return `${d.host}:${d.guest ?? d.host}${d.readOnly ? ':ro' : ''}`;
}

function envList(env: NetworkOptions['env']): string[] {
  if (env === undefined) return [];
  if (Array.isArray(env)) return env;
  return Object.entries(env).map(([k, v]) => `${k}=${v}`);
}

/** `wasock run`'s arguments for these options, before the program. */
export function optionArgv(options: NetworkOptions): string[] {
  const argv: string[] = [];
  const { allowNet } = options;
  if (allowNet === true) argv.push('--allow-net');
  else if (typeof allowNet === 'string') argv.push(`--allow-net=${allowNet}`);
  else if (Array.isArray(allowNet)) argv.push(`--allow-net=${allowNet.join(',')}`);
  for (const d of options.dirs ?? []) argv.push('--dir', dirSpec(d));
  for (const kv of envList(options.env)) argv.push('--env', kv);
  if (options.maxSockets !== undefined) argv.push('--max-sockets', String(options.maxSockets));
  if (options.trace) argv.push('--trace');
  return argv;
}

/** Parses the options as the CLI would; a refusal is an OptionError with the CLI's message. */
export function parseRunOptions(options: NetworkOptions): RunArgs {
  try {
    return parseRunArgs([...optionArgv(options), '--', 'program.wasm']);
  } catch (err) {
    if (err instanceof UsageError) throw new OptionError(err.message);
    throw err;
  }
}
