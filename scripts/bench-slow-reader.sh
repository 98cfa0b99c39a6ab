#!/usr/bin/env bash
# `mqscope sub` with a reader that stops reading: a 2 000 000-message QoS 0
# flood through a local mosquitto while the pipe's reader sleeps 25 s, then
# reads everything. Prints the lines delivered and the peak resident memory.
#
#   scripts/bench-slow-reader.sh [N] [PAUSE_SECS]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-2000000}
PAUSE=${2:-25}
MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)
[ -x "$MOSQUITTO" ] && [ -x /usr/bin/time ] || { echo "needs mosquitto and /usr/bin/time" >&2; exit 1; }
cargo build --release --quiet --bin mqscope
FIREHOSE=$(cargo bench --bench firehose --no-run 2>&1 |
    sed -n 's/.*Executable benches\/firehose\.rs (\(.*\))$/\1/p' | tail -1)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
WORK=$(mktemp -d)
trap 'kill $BROKER 2>/dev/null || true; rm -rf "$WORK"' EXIT
printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n' "$PORT" >"$WORK/m.conf"
"$MOSQUITTO" -c "$WORK/m.conf" >/dev/null 2>&1 &
BROKER=$!
sleep 0.5
( /usr/bin/time -v target/release/mqscope sub -h 127.0.0.1 -p "$PORT" -t 'fire/#' -C "$N" --format text 2>"$WORK/time.txt" |
    (sleep "$PAUSE"; wc -l) >"$WORK/count.txt" ) &
SUB=$!
sleep 1
"$FIREHOSE" publish --port "$PORT" --count "$N" --topics 10000 --payload 64 >/dev/null 2>&1
wait $SUB
echo "mqscope sub, reader paused ${PAUSE} s: $(cat "$WORK/count.txt") of $N lines"
grep -E "Maximum resident|Elapsed" "$WORK/time.txt"
