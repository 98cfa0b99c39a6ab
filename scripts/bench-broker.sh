#!/usr/bin/env bash
# The built-in broker beside mosquitto, on the same QoS 0 flood, and the cost
# of an idle built-in broker running the default demo.
#
#   scripts/bench-broker.sh [N]        # N messages per flood, default 500 000
#
# Environment: BROKER_TOPICS=10000, BROKER_PAYLOAD=64, BROKER_IDLE_SECS=30,
# BROKER_NO_WRITE=1 (print, leave BENCHMARKS.md alone).
#
# Flood: for each broker (mosquitto, then `mqscope broker --no-ws`), a fresh
# process on 127.0.0.1 and a free port; `mosquitto_sub -t fire/# -C N`
# subscribes, the firehose bench's publisher sends N messages over T topics,
# and the subscriber must print all N. Delivered messages per second is
# N / (time from the first write to the subscriber's last line). The
# broker's CPU is read from /proc/PID/stat before and after.
# Idle: `mqscope broker --demo` runs for BROKER_IDLE_SECS after a 5 s warm-up;
# its CPU share of one core and its resident memory (RSS, and the private
# anonymous part) are read from /proc.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-500000}
TOPICS=${BROKER_TOPICS:-10000}
PAYLOAD=${BROKER_PAYLOAD:-64}
IDLE_SECS=${BROKER_IDLE_SECS:-30}
case $N in '' | *[!0-9]*) echo "usage: $0 [N]" >&2; exit 2 ;; esac
say() { echo "bench-broker: $*" >&2; }

command -v mosquitto_sub >/dev/null || { say "needs mosquitto-clients (apt-get install mosquitto mosquitto-clients)"; exit 1; }
MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)
[ -x "$MOSQUITTO" ] || { say "needs mosquitto (apt-get install mosquitto)"; exit 1; }

say "building target/release/mqscope and the firehose publisher (release)"
cargo build --release --quiet --bin mqscope
FIREHOSE=$(cargo bench --bench firehose --no-run 2>&1 |
    sed -n 's/.*Executable benches\/firehose\.rs (\(.*\))$/\1/p' | tail -1)
[ -x "$FIREHOSE" ] || { say "could not build the firehose bench"; exit 1; }
MQSCOPE=target/release/mqscope
TICKS=$(getconf CLK_TCK)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mqscope-bench-broker.XXXXXX")
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; return 1; }
now() { date +%s.%N; }

# flood NAME PID PORT -> prints "rate cpu_us_per_msg delivered"
# QoS 0 lets a broker drop what a subscriber cannot take; the subscriber is
# stopped once nothing has arrived for 3 s, and what arrived is counted.
flood() {
    local name=$1 pid=$2 port=$3
    wait_port "$port" || { say "$name did not listen on $port"; exit 1; }
    mosquitto_sub -h 127.0.0.1 -p "$port" -t 'fire/#' -C "$N" -q 0 >"$WORK/$name.out" &
    local sub=$!
    sleep 0.5
    local before start after
    before=$(cpu_ticks "$pid")
    start=$(now)
    "$FIREHOSE" publish --port "$port" --count "$N" --topics "$TOPICS" --payload "$PAYLOAD" >/dev/null 2>"$WORK/$name.pub"
    local seen=-1 got=0 last_growth
    last_growth=$(now)
    while kill -0 "$sub" 2>/dev/null; do
        got=$(wc -l <"$WORK/$name.out")
        if [ "$got" -ne "$seen" ]; then
            seen=$got
            last_growth=$(now)
        elif python3 -c "import sys; sys.exit(0 if $(now) - $last_growth > 3 else 1)"; then
            kill "$sub" 2>/dev/null || true
            break
        fi
        sleep 0.2
    done
    wait "$sub" 2>/dev/null || true
    got=$(wc -l <"$WORK/$name.out")
    [ "$got" -eq "$N" ] && last_growth=$(now)
    after=$(cpu_ticks "$pid")
    python3 -c "n=$got; t=$last_growth-$start; c=($after-$before)/$TICKS; print(f'{n/t:.0f} {c/n*1e6:.2f} {n}')"
}

say "flood: $N messages on $TOPICS topics, $PAYLOAD-byte payloads"
PORT=$(free_port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n' "$PORT" >"$WORK/mosquitto.conf"
"$MOSQUITTO" -c "$WORK/mosquitto.conf" >/dev/null 2>&1 &
PIDS+=($!)
read -r MOSQ_RATE MOSQ_CPU MOSQ_GOT < <(flood mosquitto "${PIDS[-1]}" "$PORT")
kill "${PIDS[-1]}"

PORT=$(free_port)
"$MQSCOPE" broker -p "$PORT" --no-ws >/dev/null 2>&1 &
PIDS+=($!)
read -r MQS_RATE MQS_CPU MQS_GOT < <(flood mqscope "${PIDS[-1]}" "$PORT")
kill -INT "${PIDS[-1]}"

say "idle: mqscope broker --demo for ${IDLE_SECS} s"
PORT=$(free_port)
"$MQSCOPE" broker -p "$PORT" --no-ws --demo >/dev/null 2>&1 &
IDLE=$!
PIDS+=($IDLE)
wait_port "$PORT"
sleep 5
before=$(cpu_ticks $IDLE)
sleep "$IDLE_SECS"
after=$(cpu_ticks $IDLE)
IDLE_CPU=$(python3 -c "print(f'{($after-$before)/$TICKS/$IDLE_SECS*100:.2f}')")
RSS_MIB=$(awk '/^VmRSS/ {printf "%.1f", $2/1024}' /proc/$IDLE/status)
ANON_MIB=$(awk '/^RssAnon/ {printf "%.1f", $2/1024}' /proc/$IDLE/status)
kill -INT $IDLE

RATIO_RATE=$(python3 -c "print(f'{$MQS_RATE/$MOSQ_RATE:.2f}')")
RATIO_CPU=$(python3 -c "print(f'{$MQS_CPU/$MOSQ_CPU:.2f}')")
TABLE=$(cat <<TABLE
Measured by \`scripts/bench-broker.sh $N\` on $(date -u +%Y-%m-%d), $(nproc) cores: $N QoS 0
messages over $TOPICS topics ($PAYLOAD-byte payloads) from one publisher to one
\`mosquitto_sub\`, each broker fresh on 127.0.0.1.

| Broker | Delivered | Delivered msg/s | Broker CPU per delivered message |
| --- | ---: | ---: | ---: |
| mosquitto $("$MOSQUITTO" -h 2>/dev/null | sed -n 's/^mosquitto version \([^ ]*\).*/\1/p' | head -1) | $MOSQ_GOT of $N | $MOSQ_RATE | $MOSQ_CPU µs |
| \`mqscope broker\` (mqtt5 crate) | $MQS_GOT of $N | $MQS_RATE | $MQS_CPU µs |
| ratio mqscope / mosquitto | | $RATIO_RATE | $RATIO_CPU |

QoS 0 allows a broker to drop messages a subscriber cannot take in time;
"Delivered" counts what \`mosquitto_sub\` printed (it is stopped 3 s after
the last one), and the rate is over the time until that last message.

Idle, with the default demo running (about 15 msg/s), over ${IDLE_SECS} s:
\`mqscope broker --demo\` used $IDLE_CPU % of one core; resident memory
$RSS_MIB MiB, of which $ANON_MIB MiB is private (anonymous) memory.
TABLE
)
echo "$TABLE"
if [ -z "${BROKER_NO_WRITE:-}" ]; then
    python3 - "$TABLE" <<'PY'
import re, sys
table = sys.argv[1]
path = "BENCHMARKS.md"
text = open(path).read()
section = "## Built-in broker\n\n" + table + "\n"
if "## Built-in broker" in text:
    text = re.sub(r"## Built-in broker\n.*?(?=\n## |\Z)", section, text, flags=re.S)
else:
    text = text.rstrip("\n") + "\n\n" + section
open(path, "w").write(text)
PY
    say "BENCHMARKS.md updated"
fi
