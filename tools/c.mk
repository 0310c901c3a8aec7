# Builds the C side: libsock.a, and every program in c-src/examples and
# c-src/tests both natively (gcc) and as wasm (node host/cc.js). build.sh runs
# it from the repository root as  make -s -j2 -f tools/c.mk AR=<llvm-ar>
# after checking the toolchain; make's timestamps keep a no-change run instant.

AR ?= llvm-ar-19
NATIVE_CC ?= gcc
WASM_CC ?= node host/cc.js
CFLAGS ?= -O2 -Wall
# The threaded programs' native build (harmless for the rest); the wasm
# driver drops it (green threads, toolchain/clang-args.ts).
NATIVE_CFLAGS ?= $(CFLAGS) -pthread
# libsock is ours: hold it to a stricter bar than the examples.
LIBSOCK_CFLAGS ?= -O2 -Wall -Wextra

LIBSOCK_SRC := $(wildcard c-src/libsock/src/*.c)
LIBSOCK_PRIVATE := $(wildcard c-src/libsock/src/*.h)
OVERLAY := $(wildcard c-src/libsock/include/*.h c-src/libsock/include/*/*.h)
LIBSOCK_OBJ := $(patsubst c-src/libsock/src/%.c,build/libsock/obj/%.o,$(LIBSOCK_SRC))
LIBSOCK := build/libsock/libsock.a
# Headers shared by the programs (c-src/tests/common.h…): any change rebuilds them all.
PROGRAM_HDRS := $(wildcard c-src/examples/*.h c-src/tests/*.h)

EXAMPLES := $(basename $(notdir $(wildcard c-src/examples/*.c)))
TESTS := $(basename $(notdir $(wildcard c-src/tests/*.c)))
# Benchmark programs (npm run bench); they share c-src/bench/bench.h.
BENCH := $(basename $(notdir $(wildcard c-src/bench/*.c)))
BENCH_H := $(wildcard c-src/bench/*.h)
# Programs that only make sense as wasm (they print the wasm32 ABI layout, or
# call the ABI's imports directly).
WASM_ONLY := abi_layout wasm_bind_linger

WASM := $(patsubst %,build/wasm/%.wasm,$(EXAMPLES) $(TESTS) $(BENCH))
NATIVE := $(patsubst %,build/native/%,$(filter-out $(WASM_ONLY),$(EXAMPLES) $(TESTS) $(BENCH)))

.DELETE_ON_ERROR:
.PHONY: all
all: $(LIBSOCK) $(WASM) $(NATIVE)

build/libsock/obj/%.o: c-src/libsock/src/%.c $(LIBSOCK_PRIVATE) $(OVERLAY)
	@mkdir -p $(@D)
	@echo "  wasm cc   $@"
	@$(WASM_CC) $(LIBSOCK_CFLAGS) -c $< -o $@

$(LIBSOCK): $(LIBSOCK_OBJ)
	@echo "  ar        $@"
	@rm -f $@
	@$(AR) rcs $@ $^

build/wasm/%.wasm: c-src/examples/%.c $(PROGRAM_HDRS) $(OVERLAY) $(LIBSOCK)
	@mkdir -p $(@D)
	@echo "  wasm      $@"
	@$(WASM_CC) $(CFLAGS) $< -o $@

# Tests may include libsock's private ABI header (abi_layout does).
build/wasm/%.wasm: c-src/tests/%.c $(PROGRAM_HDRS) $(OVERLAY) $(LIBSOCK_PRIVATE) $(LIBSOCK)
	@mkdir -p $(@D)
	@echo "  wasm      $@"
	@$(WASM_CC) $(CFLAGS) -Ic-src/libsock/src $< -o $@

build/wasm/%.wasm: c-src/bench/%.c $(BENCH_H) $(OVERLAY) $(LIBSOCK)
	@mkdir -p $(@D)
	@echo "  wasm      $@"
	@$(WASM_CC) $(CFLAGS) $< -o $@

build/native/%: c-src/examples/%.c $(PROGRAM_HDRS)
	@mkdir -p $(@D)
	@echo "  native    $@"
	@$(NATIVE_CC) $(NATIVE_CFLAGS) $< -o $@

build/native/%: c-src/tests/%.c $(PROGRAM_HDRS)
	@mkdir -p $(@D)
	@echo "  native    $@"
	@$(NATIVE_CC) $(NATIVE_CFLAGS) $< -o $@

build/native/%: c-src/bench/%.c $(BENCH_H)
	@mkdir -p $(@D)
	@echo "  native    $@"
	@$(NATIVE_CC) $(NATIVE_CFLAGS) $< -o $@
