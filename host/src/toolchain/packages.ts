// What to install when the wasm32-wasi C toolchain is missing, and the one
// line that says so. build.sh asks the driver for the package list
// (`--print-debian-packages`) so the list lives only here.

/** Debian packages that make `clang-19 --target=wasm32-wasi` work. */
export const DEBIAN_PACKAGES = ['clang-19', 'lld-19', 'wasi-libc', 'libclang-rt-19-dev-wasm32'] as const;

/** The exact command that installs them (run as root). */
export function aptInstallCommand(): string {
  return `apt-get install -y ${DEBIAN_PACKAGES.join(' ')}`;
}

/**
 * One line for stderr: what is missing and how to get it. `missing` names the
 * piece ("clang-19 not found", "…/bin/clang does not exist"); `wasiSdkPath`
 * is set when a wasi-sdk was chosen (WASI_SDK_PATH or PATH), whose fix is a different one.
 */
export function missingToolchainMessage(missing: string, wasiSdkPath?: string): string {
  if (wasiSdkPath) {
    return (
      `wasock: no wasm32-wasi C toolchain: ${missing}; ` +
      `the wasi-sdk chosen (WASI_SDK_PATH, or the one on PATH) is ${wasiSdkPath}: point to a complete one, ` +
      `or unset it and install Debian's: ${aptInstallCommand()}`
    );
  }
  return (
    `wasock: no wasm32-wasi C toolchain: ${missing}; ` +
    `install it with: ${aptInstallCommand()} ` +
    `(or put a wasi-sdk's bin on PATH, or set WASI_SDK_PATH to its directory)`
  );
}
