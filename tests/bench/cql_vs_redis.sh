#!/usr/bin/env bash
# ringdb (CQL, prepared INSERT/SELECT through ringstress) beside Redis (SET/GET through
# redis-benchmark) on this machine, with the same shape of load: C connections, P requests in
# flight per connection (redis-benchmark -P), 100-byte values, random keys over 1M, N operations.
# Both servers on 127.0.0.1 in a temp dir, fsyncing about once a second (Redis appendonly yes +
# appendfsync everysec; ringdb commitlog_sync periodic with a 1 s period). Prints one table:
# ops/s, p50 and p99 per side, and ringdb/redis ratios.
#
# Usage: tests/bench/cql_vs_redis.sh [build-dir] [-c 50] [-P 1] [-n 200000] [--target ringdb|server]
#   --target server   measure the protocol server alone (tests/bench/cql_server_bench: no storage,
#                     trivial answers) instead of the ringdb daemon
# Needs redis-server and redis-benchmark (deploy/deps.sh bench). Processes are stopped by PID.
set -euo pipefail

build=build
conns=50
pipeline=1
count=200000
target=ringdb
while [ $# -gt 0 ]; do
    case $1 in
    -c) conns=$2; shift 2 ;;
    -P) pipeline=$2; shift 2 ;;
    -n) count=$2; shift 2 ;;
    --target) target=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) build=$1; shift ;;
    esac
done
root=$(cd "$(dirname "$0")/../.." && pwd)
[ -d "$build" ] || build=$root/$build
ringdb=$build/node/ringdb
[ -x "$ringdb" ] || ringdb=$build/ringdb
stress=$build/node/tools/ringstress
server_bench=$build/tests/bench/cql_server_bench
for b in "$stress" redis-server redis-benchmark; do
    command -v "$b" >/dev/null || { echo "missing $b (build it, or deploy/deps.sh bench)" >&2; exit 1; }
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/cql_vs_redis.XXXXXX")
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$dir"
}
trap cleanup EXIT

free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_for SECONDS CMD...: until CMD succeeds.
wait_for() {
    local deadline=$(($(date +%s) + $1)); shift
    until "$@" >/dev/null 2>&1; do
        [ "$(date +%s)" -lt "$deadline" ] || { echo "timed out waiting for: $*" >&2; return 1; }
        sleep 0.05
    done
}

rport=$(free_port)
redis-server --port "$rport" --bind 127.0.0.1 --dir "$dir" --appendonly yes \
    --appendfsync everysec --save '' --daemonize no --protected-mode no >"$dir/redis.log" 2>&1 &
pids+=($!)
wait_for 10 redis-cli -h 127.0.0.1 -p "$rport" ping

cport=$(free_port)
if [ "$target" = server ]; then
    "$server_bench" --port "$cport" >"$dir/ringdb.log" 2>&1 &
    pids+=($!)
else
    cat >"$dir/ringdb.yaml" <<EOF
cluster_name: 'bench'
listen_address: 127.0.0.1
rpc_address: 127.0.0.1
native_transport_port: $cport
storage_port: $(free_port)
data_file_directories:
  - $dir/data
commitlog_directory: $dir/commitlog
hints_directory: $dir/hints
saved_caches_directory: $dir/saved_caches
commitlog_sync: periodic
commitlog_sync_period: 1000ms
EOF
    "$ringdb" -f --config "$dir/ringdb.yaml" >"$dir/ringdb.log" 2>&1 &
    pids+=($!)
fi
wait_for 20 grep -q 'cql server listening' "$dir/ringdb.log" || { cat "$dir/ringdb.log" >&2; exit 1; }

run_stress() { # mode [--setup]
    "$stress" "$@" --port "$cport" --connections "$conns" --inflight "$pipeline" \
        --count "$count" --keys 1000000 --value-size 100 | tee -a "$dir/stress.out" | grep '^result '
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }

w=$(run_stress write --setup) || { echo "ringstress write failed:" >&2; cat "$dir/stress.out" >&2; exit 1; }
r=$(run_stress read) || { echo "ringstress read failed:" >&2; cat "$dir/stress.out" >&2; exit 1; }
redis=$(redis-benchmark -h 127.0.0.1 -p "$rport" -c "$conns" -P "$pipeline" -d 100 -r 1000000 \
    -n "$count" -t set,get --csv)
rcol() { echo "$redis" | awk -F'"' -v t="$1" -v c="$2" '$2==t {split($0,a,"\",\""); print a[c]}'; }

printf '\ncql_vs_redis: %s connections, %s in flight each, %s ops, 100-byte values (%s)\n' \
    "$conns" "$pipeline" "$count" "$([ "$target" = server ] && echo 'protocol server only' || echo ringdb)"
printf '%-7s %-22s %12s %10s %10s\n' op system ops/s p50_ms p99_ms
row() { printf '%-7s %-22s %12s %10s %10s\n' "$@"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
for op in write read; do
    line=$w; test=SET; [ $op = read ] && line=$r && test=GET
    ops=$(echo "$line" | field ops_per_s); p50=$(echo "$line" | field p50_ms); p99=$(echo "$line" | field p99_ms)
    rops=$(rcol $test 2); rp50=$(rcol $test 5); rp99=$(rcol $test 7)
    row $op "ringdb (ringstress)" "$ops" "$p50" "$p99"
    row $op "redis $test" "$rops" "$rp50" "$rp99"
    row $op "ratio ringdb/redis" "$(ratio "$ops" "$rops")" "$(ratio "$p50" "$rp50")" "$(ratio "$p99" "$rp99")"
done
echo "(load average: $(cut -d' ' -f1-3 /proc/loadavg); cores: $(nproc))"
