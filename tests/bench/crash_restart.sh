#!/usr/bin/env bash
# Start-up after a crash with a full commit log: writes through CQL (ringstress, prepared INSERTs
# of 100-byte values) until the commit log holds --log-mib MiB that no flush has cleared (the
# memtable limit is raised so nothing flushes), kills the node with SIGKILL, restarts it and
# reports how long it took to replay the log (wall and CPU time of the process) and to reach
# "node started", VmRSS then; then how long until the flush that ends replay has deleted the
# replayed segments, VmRSS after it; then kills the node again (no new writes) and restarts it:
# the records that second restart replays (0 once replay flushes) and its start-up time.
# The load average is printed before the fill, at the kill and at the end.
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
cleanup() { [ -n "$pid" ] && { kill -9 "$pid" && wait "$pid"; } 2>/dev/null; rm -rf "$dir"; }
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
            ready_cpu_ms=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' \
                           "/proc/$pid/stat") # every thread of the process, up to now
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
        sleep 0.05
    done
    echo "node did not start within 300 s" >&2
    exit 1
}

# Bytes in full segments: the active one is partly written and every file is preallocated
# (so du counts whole segments), hence (segments - 1) * commitlog_segment_size (32 MiB).
log_bytes() { echo $((($(ls "$dir/commitlog" | grep -c '\.log$') - 1) * (32 << 20))); }

load_fill=$(cut -d' ' -f1 /proc/loadavg)
start_node "$dir/first.log"
"$stress" write --host "$addr" --port "$port" --setup --count 1 >/dev/null
while [ "$(log_bytes)" -lt $((log_mib << 20)) ]; do
    "$stress" write --host "$addr" --port "$port" --connections 16 --inflight 16 \
        --keys 100000000 --duration 5s >/dev/null
done
written=$(log_bytes)
load_kill=$(cut -d' ' -f1 /proc/loadavg)
{ kill -9 "$pid" && wait "$pid"; } 2>/dev/null || true
pid=
old_segments=$(ls "$dir/commitlog" | grep '\.log$' || true)
start_node "$dir/restart.log"
ms=$ready_ms
cpu_ms=$ready_cpu_ms
replay=$(grep -o "commit log replay done ms=[0-9.]*\( cpu_ms=[0-9.]*\)\?" "$dir/restart.log" || true)
records=$(grep -o "replayed dir=[^ ]* segments=[0-9]* records=[0-9]*" "$dir/restart.log" |
          grep -o "records=[0-9]*" | cut -d= -f2)
rss_kib() { grep VmRSS "/proc/$pid/status" | awk '{print $2}'; }
rss=$(rss_kib)
t0=$(date +%s%N)
gone_ms="not within 300 s"
# builds before 0370922 neither flush after replay nor log flushing_tables=: do not wait
grep -q "flushing_tables=" "$dir/restart.log" || { gone_ms="never (no flush after replay)"; old_segments=; }
for _ in $(seq 1 6000); do # the replayed segments go once the flush that ends replay is done
    left=0
    for f in $old_segments; do [ -e "$dir/commitlog/$f" ] && left=$((left + 1)); done
    if [ -z "$old_segments" ]; then break; fi
    if [ "$left" -eq 0 ]; then gone_ms="$((($(date +%s%N) - t0) / 1000000)) ms"; break; fi
    sleep 0.05
done
rss_flushed=$(rss_kib)
{ kill -9 "$pid" && wait "$pid"; } 2>/dev/null || true
pid=
start_node "$dir/restart2.log"
records2=$(grep -o "replayed dir=[^ ]* segments=[0-9]* records=[0-9]*" "$dir/restart2.log" |
           grep -o "records=[0-9]*" | cut -d= -f2)
printf '%-40s %s\n' "load average (1 min) before/kill/end" \
    "$load_fill / $load_kill / $(cut -d' ' -f1 /proc/loadavg)" \
    "commit log at the kill" "$((written >> 20)) MiB" \
    "records replayed" "${records:-?}" "replay" "${replay#commit log replay done }" \
    "start to 'node started'" "$ms ms" "process CPU at 'node started'" "$cpu_ms ms" \
    "RSS after replay" "$((rss / 1024)) MiB" \
    "replayed segments deleted after" "$gone_ms" "RSS after the flush" "$((rss_flushed / 1024)) MiB" \
    "second crash: records replayed" "${records2:-?}" "second crash: start to 'node started'" \
    "$ready_ms ms"
