#!/usr/bin/env bash
# The one build entry point: TypeScript host, toolchain check, then the C
# side (libsock.a and every example and test, natively and as wasm).
# Each step skips work that is already up to date, so a run with nothing
# changed finishes in well under two seconds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# 1. JavaScript dependencies, only when they were never installed.
if [ ! -d node_modules ]; then
  npm ci
fi

# 2. The host bundle (build/host), which includes the compiler driver, the
#    browser API (build/browser), and the APIs' declarations (build/types).
node tools/build-host.mjs
node tools/build-types.mjs

# 3. The toolchain. The driver knows what it needs and says what is missing
#    in one line; as root on Debian we install it, anywhere else we stop.
can_install() { [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ]; }

packages=()
command -v make >/dev/null || packages+=(make)
command -v gcc >/dev/null || packages+=(gcc libc6-dev)
toolchain="$(node host/cc.js --print-toolchain 2>/dev/null)" || {
  read -r -a wasm_packages <<<"$(node host/cc.js --print-debian-packages)"
  packages+=("${wasm_packages[@]}")
}
if [ "${#packages[@]}" -gt 0 ]; then
  if can_install; then
    echo "build.sh: installing ${packages[*]}"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${packages[@]}"
    toolchain="$(node host/cc.js --print-toolchain)"
  else
    node host/cc.js --check-toolchain || true # the driver's one line: what is missing
    echo "build.sh: missing ${packages[*]}; install them with: apt-get install -y ${packages[*]}" >&2
    exit 1
  fi
fi
ar="$(sed -n 's/^ar=//p' <<<"$toolchain")"

# 3b. The browser the end-to-end tests drive (not needed to build): installed
#     alongside the toolchain when we may, otherwise named once.
if [ ! -x /usr/bin/chromium ] && [ -z "${WASOCK_CHROMIUM:-}" ]; then
  if can_install; then
    echo "build.sh: installing chromium (for npm test's browser tests)"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
  else
    echo "build.sh: note: npm test's browser tests need chromium: apt-get install -y chromium (or set WASOCK_CHROMIUM)" >&2
  fi
fi

# 4. The C side.
make -s -j2 -f tools/c.mk AR="$ar"

# 5. The browser demo (build/web): the page bundle, its worker, and copies of
#    the wasm programs it offers.
node tools/build-web.mjs
