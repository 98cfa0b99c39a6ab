#!/usr/bin/env bash
# Fuzz the MQTT codec with libFuzzer on the stable toolchain.
#
#   scripts/fuzz.sh [SECONDS]     # default 60
#
# Installs cargo-fuzz from crates.io when it is missing, seeds
# fuzz/corpus/decode from fuzz/seeds/*.hex and fuzz/corpus/payloads from
# tests/fixtures/decoders/cases.json, and runs the `decode` target (the MQTT
# codec, fuzz/fuzz_targets/decode.rs) and then the `payloads` target (the
# payload decoders, fuzz/fuzz_targets/payloads.rs) for SECONDS each. Exits non-zero when it finds a
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
cargo fuzz run --sanitizer "$sanitizer" decode "$corpus" -- \
    -max_total_time="$duration" -timeout=10 -print_final_stats=1 "$@"

# The payload decoders (CBOR, MessagePack, Protobuf, Sparkplug B, gzip),
# seeded with the independent encoders' payloads of the tests.
payloads=fuzz/corpus/payloads
mkdir -p "$payloads"
python3 - "$payloads" <<'PY'
import json, sys
cases = json.load(open("tests/fixtures/decoders/cases.json"))
for case in cases:
    with open(f"{sys.argv[1]}/seed-{case['name']}", "wb") as out:
        out.write(bytes([len(case["name"]) % 6]) + bytes.fromhex(case["payload_hex"]))
PY
exec cargo fuzz run --sanitizer "$sanitizer" payloads "$payloads" -- \
    -max_total_time="$duration" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 "$@"
