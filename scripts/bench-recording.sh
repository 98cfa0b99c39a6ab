#!/usr/bin/env bash
# The extra CPU of recording: N small QoS 0 messages from a local mosquitto
# into two `mqscope sub --format text` at once, one of them with --record,
# each under /usr/bin/time -v. Prints key=value figures.
#
#   scripts/bench-recording.sh [N]        # N defaults to 1 000 000
#
# Needs mosquitto and /usr/bin/time (apt-get install mosquitto time).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
TOPICS=${RECORDING_TOPICS:-10000}
say() { echo "bench-recording: $*" >&2; }
MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)
[ -x "$MOSQUITTO" ] && [ -x /usr/bin/time ] || { say "needs mosquitto and time (apt-get install mosquitto time)"; exit 1; }

cargo build --release --quiet --bin mqscope
FIREHOSE=$(cargo bench --bench firehose --no-run 2>&1 |
    sed -n 's/.*Executable benches\/firehose\.rs (\(.*\))$/\1/p' | tail -1)
MQSCOPE=target/release/mqscope
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mqscope-recording.XXXXXX")
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

PORT=$("$FIREHOSE" free-port)
cat >"$WORK/mosquitto.conf" <<CONF
user root
persistence false
allow_anonymous true
max_queued_messages 0
log_dest file $WORK/mosquitto.log
log_type subscribe
log_type notice
listener $PORT 127.0.0.1
CONF
"$MOSQUITTO" -c "$WORK/mosquitto.conf" 2>/dev/null &
PIDS+=($!)
sleep 0.5

for who in plain recording; do
    extra=()
    [ "$who" = recording ] && extra=(--record "$WORK/flood.mqrec")
    (
        /usr/bin/time -v -o "$WORK/$who.time" "$MQSCOPE" sub -h 127.0.0.1 -p "$PORT" \
            -i "rec-$who" -t 'fire/#' -C "$N" -W 300 --format text "${extra[@]}" 2>"$WORK/$who.err" |
            wc -l >"$WORK/$who.count"
    ) &
    PIDS+=($!)
done
deadline=$((SECONDS + 20))
until grep -q "rec-plain 0 fire/#" "$WORK/mosquitto.log" && grep -q "rec-recording 0 fire/#" "$WORK/mosquitto.log"; do
    [ $SECONDS -lt $deadline ] || { say "the subscribers did not subscribe"; cat "$WORK/mosquitto.log" >&2; exit 1; }
    sleep 0.05
done
sleep 0.2
"$FIREHOSE" publish --port "$PORT" --count "$N" --topics "$TOPICS" --payload 64 --id rec-pub >"$WORK/publish.out"
wait "${PIDS[1]}" "${PIDS[2]}"

cpu() { awk '/User time/ {u=$NF} /System time/ {s=$NF} END {printf "%.2f", u+s}' "$1"; }
rss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
plain=$(cpu "$WORK/plain.time")
recording=$(cpu "$WORK/recording.time")
size=$(stat -c %s "$WORK/flood.mqrec")
echo "messages=$N topics=$TOPICS payload=64"
echo "printed_plain=$(cat "$WORK/plain.count") printed_recording=$(cat "$WORK/recording.count")"
echo "cpu_seconds_plain=$plain"
echo "cpu_seconds_recording=$recording"
echo "extra_cpu_percent=$(awk "BEGIN { printf \"%.1f\", ($recording - $plain) / $plain * 100 }")"
echo "rss_kb_plain=$(rss "$WORK/plain.time") rss_kb_recording=$(rss "$WORK/recording.time")"
echo "recording_bytes=$size bytes_per_message=$(awk "BEGIN { printf \"%.1f\", $size / $N }")"
grep -h "recorded\|could not keep up" "$WORK/recording.err" >&2 || true
