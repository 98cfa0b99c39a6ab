#!/usr/bin/env bash
# The firehose benchmark: N small QoS 0 messages as fast as a local mosquitto
# moves them, into `mqscope sub` and `mosquitto_sub` side by side, and into the
# window's ingest path (network thread + model, no drawing).
#
#   scripts/bench-firehose.sh [N]          # N defaults to 1 000 000
#
# Environment: FIREHOSE_TOPICS="10000 100000" (the rounds: topics per flood),
# FIREHOSE_PAYLOAD=64, FIREHOSE_NO_WRITE=1 (print the table but leave
# BENCHMARKS.md alone), FIREHOSE_TIMEOUT=180 (seconds a subscriber may take).
#
# Each round has two floods, each through a fresh broker on 127.0.0.1 and a
# free port:
#   1. `mqscope sub --format text` and `mosquitto_sub -v` subscribe to fire/#
#      at the same time, each under /usr/bin/time -v, output counted with
#      `wc -l`; the publisher (benches/firehose.rs) sends N messages over T
#      topics; both must print all N lines.
#   2. `firehose ingest` (mqscope's network thread draining into a
#      ConnectionModel, as the window's `logic` does) gets the same flood alone.
# Then the model is fed the same N messages from memory (`firehose model`).
# The table goes to stdout and replaces the generated part of the "## Firehose"
# section of BENCHMARKS.md (the section is appended if it is not there).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-1000000}
ROUNDS=${FIREHOSE_TOPICS:-10000 100000}
PAYLOAD=${FIREHOSE_PAYLOAD:-64}
SUB_TIMEOUT=${FIREHOSE_TIMEOUT:-180}
case $N in '' | *[!0-9]*)
    echo "usage: $0 [N]  (N: number of messages, default 1000000)" >&2
    exit 2
    ;;
esac

say() { echo "bench-firehose: $*" >&2; }

# --- Tools ------------------------------------------------------------------
need=()
command -v mosquitto >/dev/null || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
command -v mosquitto_sub >/dev/null || need+=(mosquitto-clients)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "installing ${need[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >&2 ||
            { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >&2; }
    else
        say "missing: ${need[*]} (apt-get install ${need[*]})"
        exit 1
    fi
fi
MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)

# --- Build --------------------------------------------------------------------
# FIREHOSE_NO_BUILD=1 measures the binaries already built (e.g. while the
# tree is in the middle of an edit).
if [ -n "${FIREHOSE_NO_BUILD:-}" ]; then
    FIREHOSE=
    for candidate in target/release/deps/firehose-*; do
        case $candidate in *.d) continue ;; esac
        if [ -x "$candidate" ] && { [ -z "$FIREHOSE" ] || [ "$candidate" -nt "$FIREHOSE" ]; }; then
            FIREHOSE=$candidate
        fi
    done
else
    say "building target/release/mqscope and the firehose bench (release)"
    cargo build --release --quiet --bin mqscope
    FIREHOSE=$(cargo bench --bench firehose --no-run 2>&1 |
        sed -n 's/.*Executable benches\/firehose\.rs (\(.*\))$/\1/p' | tail -1)
fi
if [ -z "$FIREHOSE" ] || [ ! -x "$FIREHOSE" ] || [ ! -x target/release/mqscope ]; then
    say "could not build target/release/mqscope and the firehose bench:"
    cargo bench --bench firehose --no-run >&2
    exit 1
fi
MQSCOPE=target/release/mqscope

# --- Scratch space, broker ----------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mqscope-firehose.XXXXXX")
BROKER_PID=
SUB_PIDS=()
cleanup() {
    for pid in "${SUB_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    if [ -n "$BROKER_PID" ]; then kill "$BROKER_PID" 2>/dev/null || true; fi
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

PORT=
start_broker() { # start_broker NAME: a fresh mosquitto for one flood
    local dir="$WORK/$1"
    mkdir -p "$dir"
    PORT=$("$FIREHOSE" free-port)
    cat >"$dir/mosquitto.conf" <<EOF
# Written by scripts/bench-firehose.sh: a broker for one burst.
user root
persistence false
allow_anonymous true
max_queued_messages 0
max_inflight_messages 0
log_dest file $dir/mosquitto.log
log_type error
log_type warning
log_type notice
log_type information
log_type subscribe
listener $PORT 127.0.0.1
EOF
    "$MOSQUITTO" -c "$dir/mosquitto.conf" 2>/dev/null &
    BROKER_PID=$!
    local tries=0
    until grep -q "running" "$dir/mosquitto.log" 2>/dev/null; do
        tries=$((tries + 1))
        if [ $tries -gt 200 ] || ! kill -0 "$BROKER_PID" 2>/dev/null; then
            say "mosquitto did not start:"
            cat "$dir/mosquitto.log" >&2 2>/dev/null || true
            exit 1
        fi
        sleep 0.05
    done
}

stop_broker() {
    kill "$BROKER_PID" 2>/dev/null || true
    wait "$BROKER_PID" 2>/dev/null || true
    BROKER_PID=
}

wait_subscribed() { # wait_subscribed LOG CLIENT_ID...: SUBSCRIBE seen in the broker log
    local log=$1
    shift
    local deadline=$((SECONDS + 20)) id
    for id in "$@"; do
        until grep -q ": $id 0 fire/#\$" "$log"; do
            if [ $SECONDS -ge $deadline ]; then
                say "$id did not subscribe within 20 s; broker log:"
                cat "$log" >&2
                exit 1
            fi
            sleep 0.05
        done
    done
    sleep 0.2 # SUBACK on its way
}

flood() { # flood TOPICS OUT: publish N messages, key=value results to OUT
    "$FIREHOSE" publish --port "$PORT" --count "$N" --topics "$1" --payload "$PAYLOAD" --id firehose >"$2"
}

value() { # value FILE KEY
    sed -n "s/^$2=//p" "$1" | head -1
}

# Wall, user, sys, max RSS from /usr/bin/time -v.
time_field() { # time_field FILE (wall|user|sys|rss_kb)
    case $2 in
    wall) sed -n 's/.*Elapsed (wall clock) time.*: //p' "$1" |
        awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }' ;;
    user) sed -n 's/.*User time (seconds): //p' "$1" ;;
    sys) sed -n 's/.*System time (seconds): //p' "$1" ;;
    rss_kb) sed -n 's/.*Maximum resident set size (kbytes): //p' "$1" ;;
    esac
}

calc() { awk "BEGIN { printf \"$1\", $2 }" 2>/dev/null || echo "n/a"; }

# --- The rounds ---------------------------------------------------------------
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
ROWS_SUB=()
ROWS_INGEST=()
ROWS_MODEL=()
ROWS_PUB=()
RATIOS=
FAILED=()
for T in $ROUNDS; do
    # 1. mqscope sub and mosquitto_sub, side by side.
    name="subs-$T"
    start_broker "$name"
    dir="$WORK/$name"
    say "round $T topics: mqscope sub and mosquitto_sub on port $PORT"
    SUB_PIDS=()
    (
        /usr/bin/time -v -o "$dir/mqscope.time" "$MQSCOPE" sub -h 127.0.0.1 -p "$PORT" \
            -i fh-mqscope -t 'fire/#' -C "$N" -W "$SUB_TIMEOUT" --format text |
            wc -l >"$dir/mqscope.count"
        date +%s.%N >"$dir/mqscope.end"
    ) &
    SUB_PIDS+=($!)
    (
        /usr/bin/time -v -o "$dir/mosquitto_sub.time" mosquitto_sub -h 127.0.0.1 -p "$PORT" \
            -V 5 -i fh-mosquitto_sub -t 'fire/#' -C "$N" -W "$SUB_TIMEOUT" -v |
            wc -l >"$dir/mosquitto_sub.count"
        date +%s.%N >"$dir/mosquitto_sub.end"
    ) &
    SUB_PIDS+=($!)
    wait_subscribed "$dir/mosquitto.log" fh-mqscope fh-mosquitto_sub
    start=$(date +%s.%N)
    flood "$T" "$dir/publish.out"
    for pid in "${SUB_PIDS[@]}"; do wait "$pid" || true; done
    SUB_PIDS=()
    stop_broker
    ROWS_PUB+=("| $T | $(value "$dir/publish.out" write_seconds) | $(value "$dir/publish.out" accepted_seconds) | $(value "$dir/publish.out" msgs_per_sec) |")
    for client in mqscope mosquitto_sub; do
        count=$(cat "$dir/$client.count" 2>/dev/null || echo 0)
        count=${count// /}
        end=$(cat "$dir/$client.end")
        tf="$dir/$client.time"
        user=$(time_field "$tf" user)
        sys=$(time_field "$tf" sys)
        seconds=$(calc "%.2f" "$end - $start")
        rate=$(calc "%.0f" "$count / ($end - $start)")
        per_million=$(calc "%.2f" "($user + $sys) / $N * 1000000")
        rss=$(calc "%.1f" "$(time_field "$tf" rss_kb) / 1024")
        [ "$count" = "$N" ] || FAILED+=("$client received $count of $N messages ($T topics)")
        label=$client
        [ "$client" = mqscope ] && label="mqscope sub --format text"
        [ "$client" = mosquitto_sub ] && label="mosquitto_sub -v"
        ROWS_SUB+=("| $T | $label | $count | $seconds | $rate | $user | $sys | $per_million | $rss |")
        [ "$client" = mqscope ] && mqscope_cpu=$per_million || mosquitto_sub_cpu=$per_million
    done
    RATIOS="${RATIOS:+$RATIOS, }$(calc "%.2f" "$mqscope_cpu / $mosquitto_sub_cpu") ($T topics)"

    # 2. The window's ingest path: network thread + model.
    name="ingest-$T"
    start_broker "$name"
    dir="$WORK/$name"
    say "round $T topics: firehose ingest on port $PORT"
    /usr/bin/time -v -o "$dir/ingest.time" "$FIREHOSE" ingest --port "$PORT" --count "$N" \
        --id fh-ingest >"$dir/ingest.out" &
    SUB_PIDS=($!)
    wait_subscribed "$dir/mosquitto.log" fh-ingest
    flood "$T" "$dir/publish.out"
    wait "${SUB_PIDS[0]}" || FAILED+=("firehose ingest failed ($T topics)")
    SUB_PIDS=()
    stop_broker
    o="$dir/ingest.out"
    ROWS_INGEST+=("| $T | $(value "$o" received) | $(value "$o" seconds) | $(value "$o" msgs_per_sec) | $(value "$o" cpu_seconds_per_million) | $(value "$o" net_thread_cpu_seconds_per_million) | $(value "$o" model_thread_cpu_seconds_per_million) | $(value "$o" max_backlog) | $(calc "%.1f" "$(value "$o" peak_rss_bytes) / 1048576") | $(value "$o" history_len) | $(value "$o" history_evicted) | $(value "$o" topic_count) | $(calc "%.1f" "$(value "$o" held_bytes) / 1048576") | $(value "$o" overhead_bytes_per_message_estimate) | $(value "$o" overhead_bytes_per_message_rss) |")

    # 3. The model alone, from memory.
    say "round $T topics: firehose model (from memory)"
    o="$WORK/model-$T.out"
    "$FIREHOSE" model --count "$N" --topics "$T" --payload "$PAYLOAD" >"$o"
    ROWS_MODEL+=("| $T | $(value "$o" count) | $(value "$o" seconds) | $(value "$o" msgs_per_sec) | $(value "$o" cpu_seconds_per_million) | $(value "$o" history_len) | $(value "$o" history_evicted) | $(value "$o" topic_count) | $(calc "%.1f" "$(value "$o" held_bytes) / 1048576") | $(value "$o" overhead_bytes_per_message_estimate) | $(value "$o" overhead_bytes_per_message_rss) |")
done

# --- The table ----------------------------------------------------------------
CPU_MODEL=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=
if git status --porcelain --untracked-files=no 2>/dev/null | grep -q .; then
    DIRTY=" (with uncommitted changes)"
fi
[ -n "${FIREHOSE_NO_BUILD:-}" ] && DIRTY="$DIRTY (FIREHOSE_NO_BUILD: binaries as last built)"
MOSQUITTO_VERSION=$("$MOSQUITTO" -h 2>/dev/null | head -1 || true)
REPORT="$WORK/report.md"
{
    echo "<!-- firehose:begin (generated by scripts/bench-firehose.sh; edit outside these markers) -->"
    echo "Run: \`scripts/bench-firehose.sh $N\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $COMMIT$DIRTY."
    echo "Machine: $(nproc) cores, $CPU_MODEL; $MOSQUITTO_VERSION; $(rustc --version)."
    echo "Load average (1, 5, 15 min) before the floods: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo
    echo "Each flood: $N QoS 0 PUBLISH packets, $PAYLOAD-byte payload, topics \`fire/<i % T>\`, written"
    echo "by \`cargo bench --bench firehose -- publish --port P --count $N --topics T\` into a fresh"
    echo "mosquitto (\`max_queued_messages 0\`, \`max_inflight_messages 0\`) on 127.0.0.1."
    echo
    echo "**Subscribers, side by side on the same flood** (\`/usr/bin/time -v\`; output counted"
    echo "with \`wc -l\`; seconds from the flood's start to the subscriber's exit; both MQTT 5):"
    echo
    echo "| topics | client | lines | seconds | messages/s | user s | sys s | CPU s per million | max RSS MiB |"
    echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    printf '%s\n' "${ROWS_SUB[@]}"
    echo
    echo "CPU per message, mqscope sub ÷ mosquitto_sub: $RATIOS (below 1: mqscope uses less)."
    echo
    echo "Commands: \`mqscope sub -h 127.0.0.1 -p P -i fh-mqscope -t 'fire/#' -C $N --format text | wc -l\`"
    echo "and \`mosquitto_sub -h 127.0.0.1 -p P -V 5 -i fh-mosquitto_sub -t 'fire/#' -C $N -v | wc -l\`."
    echo
    echo "**The window's ingest path, without drawing** (\`cargo bench --bench firehose -- ingest"
    echo "--port P --count $N\`: mqscope's network thread subscribed to \`fire/#\`, events drained"
    echo "in batches into a \`ConnectionModel\` as the window's \`logic\` does; alone on its own flood;"
    echo "CPU from \`/proc\`, from the first message to the last; overhead = bytes per kept message"
    echo "beyond its payload, from the bytes the model counts as held and from the growth of the resident set):"
    echo
    echo "| topics | received | seconds | messages/s | CPU s per million | net thread | model thread | max backlog | peak RSS MiB | history | evicted | topics kept | held MiB | overhead B/msg (estimate) | overhead B/msg (RSS) |"
    echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    printf '%s\n' "${ROWS_INGEST[@]}"
    echo
    echo "**The model alone, from memory** (\`cargo bench --bench firehose -- model --count $N --topics T\`:"
    echo "the same messages decoded first, then applied in batches of 1024):"
    echo
    echo "| topics | messages | seconds | messages/s | CPU s per million | history | evicted | topics kept | held MiB | overhead B/msg (estimate) | overhead B/msg (RSS) |"
    echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    printf '%s\n' "${ROWS_MODEL[@]}"
    echo
    echo "**The publisher** (seconds to write the flood; until the broker had read all of it):"
    echo
    echo "| topics | write s | read by broker s | messages/s |"
    echo "| ---: | ---: | ---: | ---: |"
    printf '%s\n' "${ROWS_PUB[@]}"
    if [ ${#FAILED[@]} -gt 0 ]; then
        echo
        echo "**Failed:**"
        printf -- '- %s\n' "${FAILED[@]}"
    fi
    echo "<!-- firehose:end -->"
} >"$REPORT"
cat "$REPORT"

# --- BENCHMARKS.md ----------------------------------------------------------------
if [ -z "${FIREHOSE_NO_WRITE:-}" ]; then
    FILE=BENCHMARKS.md
    if [ -f "$FILE" ] && grep -q '^<!-- firehose:begin' "$FILE"; then
        # Replace only the generated part; everything else stays as it is.
        awk -v report="$REPORT" '
            /^<!-- firehose:begin/ { while ((getline line < report) > 0) print line; skip = 1; next }
            /^<!-- firehose:end -->/ { skip = 0; next }
            !skip { print }
        ' "$FILE" >"$FILE.firehose.tmp"
        cat "$FILE.firehose.tmp" >"$FILE"
        rm -f "$FILE.firehose.tmp"
    else
        HEADING=
        [ -s "$FILE" ] || HEADING="# Benchmarks"
        {
            [ -z "$HEADING" ] || echo "$HEADING"
            echo
            echo "## Firehose"
            echo
            echo "Issue \"Firehose: 100 000 messages a second into the window\". Measured by"
            echo "\`scripts/bench-firehose.sh [N]\` (default N = 1 000 000); re-running it replaces the"
            echo "part between the markers below."
            echo
            cat "$REPORT"
        } >>"$FILE"
    fi
    say "wrote the table to $FILE"
fi
if [ ${#FAILED[@]} -gt 0 ]; then
    printf 'bench-firehose: %s\n' "${FAILED[@]}" >&2
    exit 1
fi
