#!/usr/bin/env bash
# The real window (Xvfb) under a flood where every message is on a topic
# never seen before: N QoS 0 messages (default 3 000 000, 64-byte payloads,
# topics `fire/<i>`) through a local mosquitto into `mqscope --connect`.
# Prints the window's peak resident memory, its budget, and its longest
# frame each second (from MQSCOPE_FRAME_LOG), then the same for a window
# that was left alone for the same time (its fixed overhead).
#
#   scripts/bench-window-flood.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-3000000}
MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)
for tool in "$MOSQUITTO" /usr/bin/time Xvfb; do
    command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install mosquitto time xvfb)" >&2; exit 1; }
done
cargo build --release --quiet --bin mqscope
FIREHOSE=$(cargo bench --bench firehose --no-run 2>&1 |
    sed -n 's/.*Executable benches\/firehose\.rs (\(.*\))$/\1/p' | tail -1)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
WORK=$(mktemp -d)
DISPLAY_NUMBER=:$((90 + RANDOM % 100))
cleanup() {
    kill "$WINDOW" "$BROKER" "$XVFB" 2>/dev/null || true
    [ -n "${KEEP_FRAMES:-}" ] && cp "$WORK"/flood/frames.txt "$KEEP_FRAMES" 2>/dev/null; rm -rf "$WORK"
}
trap cleanup EXIT
Xvfb "$DISPLAY_NUMBER" -screen 0 1400x900x24 >/dev/null 2>&1 &
XVFB=$!
printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n' "$PORT" >"$WORK/m.conf"
"$MOSQUITTO" -c "$WORK/m.conf" >/dev/null 2>&1 &
BROKER=$!
sleep 1

# run_window NAME FLOOD: start a fresh window subscribed to fire/#, flood it
# (or not), wait until it has taken everything in, and report.
run_window() {
    local name=$1 flood=$2
    mkdir -p "$WORK/$name"
    HOME="$WORK/$name" XDG_RUNTIME_DIR="$WORK/$name" MQSCOPE_CONFIG_DIR="$WORK/$name" \
        MQSCOPE_FRAME_LOG="$WORK/$name/frames.txt" DISPLAY=$DISPLAY_NUMBER \
        /usr/bin/time -v -o "$WORK/$name/time.txt" \
        target/release/mqscope --connect "mqtt://127.0.0.1:$PORT" --subscribe 'fire/#' \
        >/dev/null 2>&1 &
    WINDOW=$!
    sleep 4
    local started=$SECONDS
    if [ "$flood" = yes ]; then
        "$FIREHOSE" publish --port "$PORT" --count "$N" --topics "$N" --payload 64 >/dev/null 2>&1
        # Until the window has taken in every message (or 120 s more).
        local deadline=$((SECONDS + 120))
        while [ $SECONDS -lt $deadline ]; do
            local got
            got=$(tail -1 "$WORK/$name/frames.txt" 2>/dev/null | sed -n 's/.*messages=\([0-9]*\).*/\1/p')
            [ "${got:-0}" -ge "$N" ] && break
            sleep 1
        done
        sleep 3
    else
        sleep "${QUIET_SECS:-20}"
    fi
    local elapsed=$((SECONDS - started))
    # Stop the window, not `time`, so that `time` reports.
    pkill -TERM -P "$WINDOW" || true
    wait "$WINDOW" 2>/dev/null || true
    local peak longest last
    peak=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/$name/time.txt")
    longest=$(sed -n 's/.*longest_ms=\([0-9.]*\).*/\1/p' "$WORK/$name/frames.txt" | sort -g | tail -1)
    last=$(tail -1 "$WORK/$name/frames.txt")
    echo "$name: ${elapsed} s, peak resident $((peak / 1024)) MiB, longest frame ${longest} ms"
    echo "  last figures: $last"
    if [ "$flood" = yes ]; then
        echo "  frames over 50 ms in any second: $(awk -F'longest_ms=' '{split($2,a," "); if (a[1] > 50) n++} END {print n+0}' "$WORK/$name/frames.txt") of $(wc -l <"$WORK/$name/frames.txt") seconds"
    fi
}

echo "Window flood: $N QoS 0 messages, each on a new topic, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
run_window flood yes
QUIET_SECS=20 run_window idle no
