#!/usr/bin/env bash
# Launches a local ringdb cluster: node K listens on 127.0.0.K (CQL port 9042 on each address,
# internode port 7000), with its own directory run/nodeK/ holding its config
# (conf/ringdb.yaml, generated from the repository's conf/ringdb.yaml), data, commit log, log
# file (logs/system.log) and PID file (ringdb.pid). Installs missing Debian packages and builds
# first. Loopback addresses 127.0.0.2 and up need no setup on Linux.
#
# Usage: deploy/launch.sh [--nodes N] [--no-build] [--run-dir DIR] [--timeout SECONDS]
#   --nodes N        number of nodes (default 3)
#   --no-build       use the existing build/node/ringdb
#   --run-dir DIR    where the node directories go (default run/)
#   --timeout S      how long to wait for each node to be up (default 30)
#   --port P         CQL port of every node (default 9042; internode port: --storage-port, 7000)
# Nodes already running are left alone: run it again to bring back a node that was killed.
# Stop the cluster with deploy/stop.sh (same --run-dir).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

nodes=3
build=1
run_dir=$root/run
timeout_s=30
cql_port=9042
storage_port=7000
while [ $# -gt 0 ]; do
    case "$1" in
        --nodes) nodes=${2:?--nodes needs a number}; shift 2 ;;
        --no-build) build=0; shift ;;
        --run-dir) run_dir=${2:?--run-dir needs a directory}; shift 2 ;;
        --timeout) timeout_s=${2:?--timeout needs seconds}; shift 2 ;;
        --port) cql_port=${2:?--port needs a number}; shift 2 ;;
        --storage-port) storage_port=${2:?--storage-port needs a number}; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "launch.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
case "$nodes" in ''|*[!0-9]*) echo "launch.sh: --nodes must be a number" >&2; exit 2 ;; esac
if [ "$nodes" -lt 1 ] || [ "$nodes" -gt 254 ]; then
    echo "launch.sh: --nodes must be between 1 and 254" >&2
    exit 2
fi
for p in "$cql_port" "$storage_port"; do
    case "$p" in ''|*[!0-9]*) echo "launch.sh: ports must be numbers" >&2; exit 2 ;; esac
done
mkdir -p "$run_dir"
run_dir=$(cd "$run_dir" && pwd)
bin=${RINGDB_BIN:-$root/build/node/ringdb} # RINGDB_BIN: another build (the tests use it)

if [ "$build" = 1 ]; then
    deploy/deps.sh
    echo "== building ringdb (build/, RelWithDebInfo)"
    cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$root/build" --target ringdb -j "$(nproc)" >/dev/null
fi
[ -x "$bin" ] || { echo "launch.sh: $bin is missing; run without --no-build" >&2; exit 1; }

# True when pid is alive and is a ringdb process (a stale PID file may name another program).
is_ringdb() {
    local pid=$1
    local exe
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
    exe=${exe% (deleted)} # the binary was rebuilt while the node ran
    [ "$(basename "$exe")" = ringdb ]
}

# Nodes already running are left as they are, so after a node was killed (or stopped) the same
# command brings just that node back on its existing data.
to_start=()
for k in $(seq 1 "$nodes"); do
    pidfile=$run_dir/node$k/ringdb.pid
    if [ -f "$pidfile" ] && is_ringdb "$(cat "$pidfile")"; then
        echo "== node$k is already running (pid $(cat "$pidfile")): left as it is"
    else
        to_start+=("$k")
    fi
done

# Prints conf/ringdb.yaml without the keys in $1 (space separated, with their indented or list
# lines), then those keys with this node's values.
node_config() {
    local k=$1 d=$run_dir/node$1 addr=127.0.0.$1
    awk -v drop="listen_address rpc_address broadcast_address broadcast_rpc_address
                 native_transport_port storage_port seed_provider data_file_directories
                 commitlog_directory hints_directory saved_caches_directory" '
        BEGIN { n = split(drop, d, /[ \n]+/); for (i = 1; i <= n; i++) if (d[i] != "") want[d[i]] = 1 }
        /^[A-Za-z_][A-Za-z0-9_]*[ \t]*:/ { key = $0; sub(/[ \t]*:.*/, "", key); skip = (key in want) }
        skip && /^([ \t]|-|[A-Za-z_])/ { next }
        { print }' "$root/conf/ringdb.yaml"
    cat <<EOF

# ---- node$k: written by deploy/launch.sh ----
listen_address: $addr
rpc_address: $addr
native_transport_port: $cql_port
storage_port: $storage_port
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "127.0.0.1:$storage_port"
data_file_directories:
  - $d/data
commitlog_directory: $d/commitlog
hints_directory: $d/hints
saved_caches_directory: $d/saved_caches
EOF
}

# Starts node k in the background; its PID goes to run/nodeK/ringdb.pid.
start_node() {
    local k=$1 d=$run_dir/node$1
    mkdir -p "$d/conf" "$d/logs"
    node_config "$k" >"$d/conf/ringdb.yaml"
    [ -f "$d/logs/system.log" ] && mv -f "$d/logs/system.log" "$d/logs/system.log.1"
    # setsid: the node keeps running when this terminal closes or gets Ctrl-C.
    (cd "$d" && exec setsid "$bin" -f --config "$d/conf/ringdb.yaml") \
        </dev/null >>"$d/logs/system.log" 2>&1 &
    echo $! >"$d/ringdb.pid"
}

# Waits until node k logs its ready line; fails early if it exits.
wait_node() {
    local k=$1 d=$run_dir/node$1 pid deadline
    pid=$(cat "$d/ringdb.pid")
    deadline=$(($(date +%s) + timeout_s))
    while ! grep -q ' INFO  node started ' "$d/logs/system.log" 2>/dev/null; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "launch.sh: node$k exited during start-up; last lines of $d/logs/system.log:" >&2
            tail -n 20 "$d/logs/system.log" >&2
            return 1
        fi
        if [ "$(date +%s)" -ge "$deadline" ]; then
            echo "launch.sh: node$k not up after ${timeout_s}s; see $d/logs/system.log" >&2
            return 1
        fi
        sleep 0.05
    done
}

if [ ${#to_start[@]} -gt 0 ]; then
    echo "== starting node(s) ${to_start[*]} in $run_dir"
    for k in "${to_start[@]}"; do start_node "$k"; done
    for k in "${to_start[@]}"; do
        if ! wait_node "$k"; then
            # Stop only what this run started; nodes that were already up keep running.
            for j in "${to_start[@]}"; do
                pid=$(cat "$run_dir/node$j/ringdb.pid" 2>/dev/null || true)
                is_ringdb "$pid" && kill -TERM "$pid" 2>/dev/null || true
            done
            exit 1
        fi
    done
fi

echo
echo "ringdb: $nodes node(s) up"
for k in $(seq 1 "$nodes"); do
    d=$run_dir/node$k
    printf '  node%-3s pid %-7s cql 127.0.0.%s:%s  log %s\n' "$k" "$(cat "$d/ringdb.pid")" \
        "$k" "$cql_port" "${d#"$root"/}/logs/system.log"
done
if ! grep -qi 'listening' "$run_dir/node1/logs/system.log"; then
    echo
    echo "  note: no node logged a 'listening' line: this build has no CQL server yet, so"
    echo "  clients cannot connect."
fi
echo
echo "Connect:"
if [ -x "$root/build/node/tools/ringsh" ]; then
    echo "  build/node/tools/ringsh 127.0.0.1 $cql_port"
else
    echo "  (the cqlsh-style shell of node/tools is not built yet)"
fi
command -v cqlsh >/dev/null 2>&1 && echo "  cqlsh 127.0.0.1 $cql_port"
stop_cmd=deploy/stop.sh
[ "$run_dir" = "$root/run" ] || stop_cmd="deploy/stop.sh --run-dir $run_dir"
cat <<EOF
  /usr/bin/python3 -c 'from cassandra.cluster import Cluster
s = Cluster(["127.0.0.1"], port=$cql_port, protocol_version=4).connect()
print(s.execute("SELECT release_version FROM system.local").one())'
  (a longer example: "Connect with Python" in README.md)
Stop:
  $stop_cmd
Bring back a node that was killed or stopped: run deploy/launch.sh again.
EOF
