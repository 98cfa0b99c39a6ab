#!/usr/bin/env bash
# Screenshots of the real mqscope window under Xvfb: the first run on the
# built-in broker's demo in each language (docs/screenshots/<lang>/), then,
# against a local mosquitto with sample traffic, one PNG per main view
# (docs/screenshots/).
#
#   scripts/screenshots.sh            (needs: xvfb imagemagick xdotool mosquitto mosquitto-clients)
#
# Look at every picture afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in Xvfb import xdotool mosquitto mosquitto_pub openssl; do
    command -v "$tool" >/dev/null || { echo "screenshots.sh needs $tool (apt-get install xvfb imagemagick xdotool mosquitto mosquitto-clients)" >&2; exit 1; }
done

cargo build --release --quiet
app=target/release/mqscope
out=docs/screenshots
mkdir -p "$out"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
tls_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# A self-made certificate, as a lab makes one: no authority mqscope knows.
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=lab-pi" \
    -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$work/server.key" -out "$work/server.crt" >/dev/null 2>&1
cat > "$work/mosquitto.conf" <<CONF
user root
per_listener_settings false
allow_anonymous true
sys_interval 1
listener $port 127.0.0.1
listener $tls_port 127.0.0.1
certfile $work/server.crt
keyfile $work/server.key
CONF
mosquitto -c "$work/mosquitto.conf" >/dev/null 2>&1 & pids+=($!)
display=:$((90 + RANDOM % 9))
Xvfb "$display" -screen 0 1400x900x24 >/dev/null 2>&1 & pids+=($!)
sleep 1
export DISPLAY=$display HOME=$work MQSCOPE_CONFIG_DIR=$work/config

# Sample traffic: sensors with numbers, JSON with user properties, retained config.
pub() { mosquitto_pub -p "$port" -V 5 "$@"; }
pub -r -t lab/config/sample-rate -m 10 -D publish content-type text/plain
pub -r -t lab/config/name -m "Physics lab 2"
(
    i=0
    while true; do
        t=$(awk -v i=$i 'BEGIN { printf "%.1f", 21 + 2*sin(i/5) }')
        h=$(awk -v i=$i 'BEGIN { printf "%.0f", 45 + 5*cos(i/7) }')
        pub -t sensors/lab1/temperature -m "$t"
        pub -t sensors/lab1/humidity -m "$h"
        pub -t sensors/lab2/climate -m "{\"temperature\": $t, \"humidity\": $h, \"ok\": true}" \
            -D publish content-type application/json -D publish user-property site A \
            -D publish user-property room 2.14 -q 1
        pub -t devices/esp32-07/status -m online -q 1
        i=$((i + 1))
        sleep 0.3
    done
) & pids+=($!)

shot() { sleep "${2:-1}"; import -window root "$out/$1.png"; echo "wrote $out/$1.png"; }
click() { xdotool mousemove "$1" "$2" click 1; sleep 0.4; }

# In each language, a first run (an empty home): the demo, a topic, the broker.
# x of the "Built-in broker" tab under the tree, per language (label widths).
declare -A broker_tab=([en]=627 [ro]=578 [it]=630 [pt-BR]=636)
declare -A locale=([en]=en_US.UTF-8 [ro]=ro_RO.UTF-8 [it]=it_IT.UTF-8 [pt-BR]=pt_BR.UTF-8)
for lang in en ro it pt-BR; do
    home=$work/home-$lang
    mkdir -p "$home" "$out/$lang"
    HOME=$home XDG_RUNTIME_DIR=$home LANG=${locale[$lang]} "$app" >/dev/null 2>&1 & app_pid=$!; pids+=($app_pid)
    sleep 6
    import -window root "$out/$lang/01-first-run.png"
    click 32 316                               # open "room-101"
    click 110 339                              # select lab/room-101/humidity
    sleep 2
    import -window root "$out/$lang/02-topic.png"
    click "${broker_tab[$lang]}" 593           # the "Built-in broker" tab
    sleep 2
    import -window root "$out/$lang/03-built-in-broker.png"
    kill $app_pid; wait $app_pid 2>/dev/null || true
    # A broker with a self-made certificate: refused, with the way to trust it.
    HOME=$home XDG_RUNTIME_DIR=$home LANG=${locale[$lang]} "$app" "mqtts://127.0.0.1:$tls_port/%23" >/dev/null 2>&1 & app_pid=$!; pids+=($app_pid)
    sleep 5
    import -window root "$out/$lang/04-certificate-refused.png"
    echo "wrote $out/$lang/"
    kill $app_pid; wait $app_pid 2>/dev/null || true
done

# Small screens: the demo with the connection settings open, at 1280x800 and
# 1024x700 (the window fills the screen); nothing may be cut off.
# y of the "esp32-01" row and of its "status" topic, per size (the banner
# above the tree takes one more line at 1024).
declare -A esp32_row=([1280x800]=224 [1024x700]=239)
for size in 1280x800 1024x700; do
    small=:$((80 + RANDOM % 9))
    Xvfb "$small" -screen 0 "${size}x24" >/dev/null 2>&1 & xvfb_pid=$!; pids+=($xvfb_pid)
    sleep 1
    home=$work/home-$size
    mkdir -p "$home"
    DISPLAY=$small HOME=$home XDG_RUNTIME_DIR=$home MQSCOPE_CONFIG_DIR=$home/config "$app" >/dev/null 2>&1 & app_pid=$!; pids+=($app_pid)
    sleep 6
    row=${esp32_row[$size]}
    DISPLAY=$small xdotool mousemove 31 "$row" click 1; sleep 0.5             # open "esp32-01"
    DISPLAY=$small xdotool mousemove 75 $((row + 92)) click 1; sleep 0.5      # select its "status" (long properties)
    DISPLAY=$small xdotool mousemove 161 35 click 1; sleep 1       # Connection settings
    DISPLAY=$small import -window root "$out/06-settings-open-$size.png"
    echo "wrote $out/06-settings-open-$size.png"
    kill $app_pid; wait $app_pid 2>/dev/null || true
    kill $xvfb_pid; wait $xvfb_pid 2>/dev/null || true
done

# 1. The first screen: a first run, on the built-in broker's demo.
"$app" >/dev/null 2>&1 & app_pid=$!; pids+=($app_pid)
shot 01-connect 3
kill $app_pid; wait $app_pid 2>/dev/null || true

# 2-5. Connected to the local broker, subscribed to everything.
"$app" "mqtt://127.0.0.1:$port/%23" --record-packets >/dev/null 2>&1 & app_pid=$!; pids+=($app_pid)
sleep 5
# The window is 1280x820 at the top left of a 1400x900 screen; the clicks
# below follow its default layout.
click 50 190                                   # expand "sensors"
click 32 236                                   # expand "lab2"
click 100 259                                  # select sensors/lab2/climate
shot 02-tree-and-details 2
click 138 593                                  # bottom tab: Publish
shot 03-publish
click 211 593                                  # bottom tab: Messages
shot 04-messages
click 286 593                                  # bottom tab: Packets
click 100 660                                  # a PUBLISH packet
xdotool mousemove 740 771                      # hover a field: it lights up in the hex view too
shot 05-packet-inspector
click 435 593                                  # bottom tab: Retained
shot 07-retained
click 518 593                                  # bottom tab: Broker ($SYS)
shot 08-broker-sys 4
kill $app_pid; wait $app_pid 2>/dev/null || true
echo "Now look at every picture in $out."
