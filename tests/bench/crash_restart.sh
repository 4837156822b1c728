#!/usr/bin/env bash
# Start-up after a crash with a full commit log: writes through CQL (ringstress, prepared INSERTs
# of 100-byte values) until the commit log holds --log-mib MiB that no flush has cleared (the
# memtable limit is raised so nothing flushes), kills the node with SIGKILL, restarts it and
# reports how long it took to replay the log and to reach "node started".
# Usage: tests/bench/crash_restart.sh [build dir] [--log-mib N]   (default build, 1024 MiB)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
log_mib=1024
[ "${2:-}" = "--log-mib" ] && log_mib=${3:?--log-mib needs a number}
bin=$build/node/ringdb
stress=$build/node/tools/ringstress
dir=$(mktemp -d /tmp/crash-restart-XXXXXX)
addr=127.0.0.$((20 + RANDOM % 200))
port=$((20000 + RANDOM % 20000))
pid=
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
cat >"$dir/ringdb.yaml" <<YAML
cluster_name: crash-restart
listen_address: $addr
rpc_address: $addr
native_transport_port: $port
data_file_directories: [$dir/data]
commitlog_directory: $dir/commitlog
hints_directory: $dir/hints
saved_caches_directory: $dir/caches
commitlog_sync: periodic
memtable_heap_space: $((log_mib * 4))MiB
YAML

start_node() { # log file; waits for the ready line with a deadline; sets pid and ready_ms
    local log=$1 t0
    t0=$(date +%s%N)
    "$bin" -f --config "$dir/ringdb.yaml" >"$log" 2>&1 &
    pid=$!
    for _ in $(seq 1 6000); do
        if grep -q "node started" "$log"; then
            ready_ms=$((($(date +%s%N) - t0) / 1000000))
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
        sleep 0.05
    done
    echo "node did not start within 300 s" >&2
    exit 1
}

log_bytes() { du -sb "$dir/commitlog" | cut -f1; }

start_node "$dir/first.log"
"$stress" write --host "$addr" --port "$port" --setup --count 1 >/dev/null
while [ "$(log_bytes)" -lt $((log_mib << 20)) ]; do
    "$stress" write --host "$addr" --port "$port" --connections 16 --inflight 16 \
        --keys 100000000 --duration 5s >/dev/null
done
written=$(log_bytes)
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
pid=
start_node "$dir/restart.log"
ms=$ready_ms
replay=$(grep -o "commit log replay done ms=[0-9.]*" "$dir/restart.log" | grep -o "[0-9.]*$")
records=$(grep -o "replayed dir=[^ ]* segments=[0-9]* records=[0-9]*" "$dir/restart.log" |
          grep -o "records=[0-9]*" | cut -d= -f2)
rss=$(grep VmRSS "/proc/$pid/status" | awk '{print $2}')
printf '%-28s %s\n' "commit log at the kill" "$((written >> 20)) MiB" \
    "records replayed" "${records:-?}" "replay" "${replay:-?} ms" \
    "start to 'node started'" "$ms ms" "RSS after replay" "$((rss / 1024)) MiB"
