#!/usr/bin/env bash
# Fuzz the MQTT codec with libFuzzer on the stable toolchain.
#
#   scripts/fuzz.sh [SECONDS]     # default 60
#
# Installs cargo-fuzz from crates.io when it is missing, seeds
# fuzz/corpus/decode from fuzz/seeds/*.hex, and runs the `decode` target
# (fuzz/fuzz_targets/decode.rs) for SECONDS. Exits non-zero when it finds a
# crash; the input is then in fuzz/artifacts/decode/ and
# `cargo fuzz tmin --sanitizer none decode <file>` minimizes it.
#
# Stable rustc can do libFuzzer's coverage instrumentation (-Cpasses=sancov-module)
# but not -Zsanitizer, so the default is `--sanitizer none`. The codec has a
# few small `unsafe` blocks (its fast paths); run with FUZZ_SANITIZER=address
# after changing them: that turns AddressSanitizer on, with RUSTC_BOOTSTRAP=1
# so that stable accepts the -Z flag.
# Extra arguments after SECONDS go to libFuzzer (e.g. -jobs=2, -seed=1).
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-60}
shift || true
sanitizer=${FUZZ_SANITIZER:-none}

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked
fi

# Seed the corpus: each hex file becomes one binary input (kept across runs).
corpus=fuzz/corpus/decode
mkdir -p "$corpus"
for seed in fuzz/seeds/*.hex; do
    hex=$(sed 's/#.*//' "$seed" | tr -d ' \t\n')
    printf '%b' "$(sed 's/../\\x&/g' <<<"$hex")" >"$corpus/seed-$(basename "$seed" .hex)"
done

if [[ $sanitizer != none ]]; then
    export RUSTC_BOOTSTRAP=1
fi
exec cargo fuzz run --sanitizer "$sanitizer" decode "$corpus" -- \
    -max_total_time="$duration" -timeout=10 -print_final_stats=1 "$@"
