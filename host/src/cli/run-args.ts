// Command line of `node host/run.js`: options first, then the module and
// the guest's own arguments (which are never interpreted as ours).

import { Arena, DEFAULT_GEOMETRY } from '../bridge/arena.js';

export interface RunArgs {
  help: boolean;
  allowNet: string | true | undefined;
  dirs: { host: string; guest: string; readOnly: boolean }[];
  env: string[];
  trace: boolean;
  maxSockets: number | undefined;
  /** --tcplisten HOST:PORT, in order (wasmtime's spelling). */
  tcpListen: string[];
  /** --addr-pool=LIST (WAMR's spelling), mapped onto the network policy. */
  addrPool: string | undefined;
  /** --host-mode; undefined: JSPI where the engine has it. */
  hostMode: 'worker' | 'jspi' | undefined;
  wasm: string | undefined;
  guestArgs: string[];
}

export const USAGE = `usage: node host/run.js [options] prog.wasm [args...]

Runs a wasm32-wasi program built with wasock (node host/cc.js), with real
sockets through Node.

options:
  --allow-net[=LIST]     widen the network policy; bare: everything. LIST is
                         HOST_OR_CIDR[:PORT|:LO-HI],... and replaces the
                         default (loopback only: 127.0.0.0/8 and ::1)
  --dir HOST[:GUEST[:ro]]
                         give the program host directory HOST as GUEST
                         (default: the same path): its real files, read and
                         written in place, with no way out of it; :ro makes
                         it read-only (EROFS). Without any --dir a program
                         has no files; its first failed open says so on
                         stderr
  --env K=V              set an environment variable for the program
  --trace                print one line per socket call on stderr
  --max-sockets N        most sockets the program may have open (default
                         ${DEFAULT_GEOMETRY.maxSockets}, at most ${Arena.maxSocketsFor(DEFAULT_GEOMETRY.ringBytes)})
  --tcplisten HOST:PORT  open a TCP listener on the host and give it to the
                         program as its next preopened descriptor (3 with no
                         --dir), as wasmtime does; repeatable; under the
                         network policy like any bind
  --addr-pool=LIST       WAMR's spelling of the network policy: ADDR[/BITS],...
                         (e.g. 127.0.0.1/32,::1/128) is allowed on every port
  --host-mode=MODE       jspi: the program runs on the thread that owns its
                         sockets (WebAssembly.Suspending; the default where
                         the engine has it: Node >= 25); worker: in a worker
                         thread that waits on shared memory (the default
                         elsewhere). Also set by WASOCK_HOST_MODE
  --help                 show this help
`;

export class UsageError extends Error {}

export function parseRunArgs(argv: string[]): RunArgs {
  const out: RunArgs = { help: false, allowNet: undefined, dirs: [], env: [], trace: false, maxSockets: undefined, tcpListen: [], addrPool: undefined, hostMode: undefined, wasm: undefined, guestArgs: [] };
  let i = 0;
  const value = (name: string): string => {
    const v = argv[++i];
    if (v === undefined) throw new UsageError(`${name} needs a value`);
    return v;
  };
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    if (arg === '--help' || arg === '-h') out.help = true;
    else if (arg === '--trace') out.trace = true;
    else if (arg === '--allow-net') out.allowNet = true;
    else if (arg.startsWith('--allow-net=')) out.allowNet = arg.slice('--allow-net='.length);
    else if (arg === '--dir' || arg.startsWith('--dir=')) {
      const spec = arg === '--dir' ? value('--dir') : arg.slice('--dir='.length);
      const parts = spec.split(':');
      const mode = parts.length === 3 ? parts.pop() : 'rw';
      const host = parts[0];
      const guest = parts.length > 1 ? parts[1] || host : host;
      if (!host || parts.length > 2 || (mode !== 'ro' && mode !== 'rw')) throw new UsageError(`--dir ${spec}: expected HOST[:GUEST[:ro]]`);
      out.dirs.push({ host, guest, readOnly: mode === 'ro' });
    } else if (arg === '--env' || arg.startsWith('--env=')) {
      const kv = arg === '--env' ? value('--env') : arg.slice('--env='.length);
      if (!/^[^=]+=/.test(kv)) throw new UsageError(`--env ${kv}: expected K=V`);
      out.env.push(kv);
    } else if (arg === '--max-sockets' || arg.startsWith('--max-sockets=')) {
      const v = arg === '--max-sockets' ? value('--max-sockets') : arg.slice('--max-sockets='.length);
      const n = Number(v);
      // Each socket reserves its two rings in one shared buffer of at most 4 GiB.
      const most = Arena.maxSocketsFor(DEFAULT_GEOMETRY.ringBytes);
      if (!Number.isInteger(n) || n < 1 || n > most) throw new UsageError(`--max-sockets ${v}: expected a number from 1 to ${most}`);
      out.maxSockets = n;
    } else if (arg === '--tcplisten' || arg.startsWith('--tcplisten=')) {
      out.tcpListen.push(arg === '--tcplisten' ? value('--tcplisten') : arg.slice('--tcplisten='.length));
    } else if (arg === '--addr-pool' || arg.startsWith('--addr-pool=')) {
      const list = arg === '--addr-pool' ? value('--addr-pool') : arg.slice('--addr-pool='.length);
      out.addrPool = out.addrPool === undefined ? list : `${out.addrPool},${list}`;
    } else if (arg === '--host-mode' || arg.startsWith('--host-mode=')) {
      const v = arg === '--host-mode' ? value('--host-mode') : arg.slice('--host-mode='.length);
      if (v !== 'jspi' && v !== 'worker') throw new UsageError(`--host-mode ${v}: expected jspi or worker`);
      out.hostMode = v;
    } else {
      throw new UsageError(`unknown option ${arg}`);
    }
  }
  out.wasm = argv[i];
  out.guestArgs = argv.slice(i + 1);
  return out;
}
