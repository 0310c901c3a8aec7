// The errors the public API throws: the one-line refusals of `wasock run`
// (a file that cannot be read, a module that is not WebAssembly or needs an
// import wasock lacks, a network policy or option it refuses) as classes a
// caller can tell apart. Each message is the line `wasock run` prints after
// "wasock: ". The browser API throws the module ones too.

export class WasockError extends Error {
  /** A stable name for the kind of refusal, for callers that switch on it. */
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The program file cannot be read: missing, a directory, no permission. */
export class FileError extends WasockError {
  constructor(message: string) {
    super(message, 'WASOCK_FILE');
  }
}

/** The bytes are not a WebAssembly module, not a valid one, or not a WASI command. */
export class NotWasmError extends WasockError {
  constructor(message: string) {
    super(message, 'WASOCK_NOT_WASM');
  }
}

/** The module imports something wasock does not provide. */
export class MissingImportError extends WasockError {
  constructor(message: string) {
    super(message, 'WASOCK_MISSING_IMPORT');
  }
}

/** The network policy (allowNet) is not one wasock can apply. */
export class PolicyError extends WasockError {
  constructor(message: string) {
    super(message, 'WASOCK_POLICY');
  }
}

/** Another option is refused: a directory that is not one, a bad env entry, maxSockets out of range, an unknown hostMode. */
export class OptionError extends WasockError {
  constructor(message: string) {
    super(message, 'WASOCK_OPTION');
  }
}

/** The host cannot run programs here: e.g. a page that is not cross-origin isolated, in worker mode. */
export class HostError extends WasockError {
  constructor(message: string) {
    super(message, 'WASOCK_HOST');
  }
}

/** The relay cannot be used: no token, unreachable, or it refused the page. */
export class RelayError extends WasockError {
  constructor(message: string) {
    super(message, 'WASOCK_RELAY');
  }
}
