#!/usr/bin/env bash
# ringdb (CQL, prepared INSERT/SELECT through ringstress) beside Redis (SET/GET through
# redis-benchmark) on this machine, with the same shape of load: C connections, P requests in
# flight per connection (redis-benchmark -P), 100-byte values, random keys over 1M, N operations.
# Both servers on 127.0.0.1 in a temp dir, fsyncing about once a second (Redis appendonly yes +
# appendfsync everysec; ringdb commitlog_sync periodic with a 1 s period). Prints one table:
# ops/s, p50 and p99 per side (median of the rounds), and ringdb/redis ratios.
#
# Usage: tests/bench/cql_vs_redis.sh [build-dir] [-c 50] [-P 1] [-n 200000] [--rounds 3]
#                                    [--target ringdb|server]
#   --target server   measure the protocol server alone (tests/bench/cql_server_bench: no storage,
#                     trivial answers) instead of the ringdb daemon
# Needs redis-server and redis-benchmark (deploy/deps.sh bench). Processes are stopped by PID.
set -euo pipefail

build=build
conns=50
pipeline=1
count=200000
rounds=3
target=ringdb
while [ $# -gt 0 ]; do
    case $1 in
    -c) conns=$2; shift 2 ;;
    -P) pipeline=$2; shift 2 ;;
    -n) count=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --target) target=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
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
run_redis() { # SET|GET -> "ops p50 p99"
    redis-benchmark -h 127.0.0.1 -p "$rport" -c "$conns" -P "$pipeline" -d 100 -r 1000000 \
        -n "$count" -t "$1" --csv | awk -F'"' -v t="$1" '$2==t {split($0,a,"\",\""); print a[2], a[5], a[7]}'
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
stress_row() { # result line -> "ops p50 p99"
    echo "$(echo "$1" | field ops_per_s) $(echo "$1" | field p50_ms) $(echo "$1" | field p99_ms)"
}

# Rounds alternate the two systems, so a load change on a shared machine hits both; the table
# shows the median of the rounds for each column.
"$stress" write --setup --port "$cport" --connections 1 --inflight 1 --count 1 >/dev/null ||
    { echo "ringstress --setup failed" >&2; exit 1; }
for ((i = 1; i <= rounds; i++)); do
    w=$(run_stress write) || { echo "ringstress write failed:" >&2; cat "$dir/stress.out" >&2; exit 1; }
    stress_row "$w" >>"$dir/ringdb.write"
    run_redis SET >>"$dir/redis.write"
    r=$(run_stress read) || { echo "ringstress read failed:" >&2; cat "$dir/stress.out" >&2; exit 1; }
    stress_row "$r" >>"$dir/ringdb.read"
    run_redis GET >>"$dir/redis.read"
done
median() { # file column
    cut -d' ' -f"$2" "$1" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

printf '\ncql_vs_redis: %s connections, %s in flight each, %s ops per run, 100-byte values, median of %s rounds (%s)\n' \
    "$conns" "$pipeline" "$count" "$rounds" "$([ "$target" = server ] && echo 'protocol server only' || echo ringdb)"
printf '%-7s %-22s %12s %10s %10s\n' op system ops/s p50_ms p99_ms
row() { printf '%-7s %-22s %12s %10s %10s\n' "$@"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
for op in write read; do
    test=SET; [ $op = read ] && test=GET
    for c in 1 2 3; do a[$c]=$(median "$dir/ringdb.$op" $c); b[$c]=$(median "$dir/redis.$op" $c); done
    row $op "ringdb (ringstress)" "${a[1]}" "${a[2]}" "${a[3]}"
    row $op "redis $test" "${b[1]}" "${b[2]}" "${b[3]}"
    row $op "ratio ringdb/redis" "$(ratio "${a[1]}" "${b[1]}")" "$(ratio "${a[2]}" "${b[2]}")" \
        "$(ratio "${a[3]}" "${b[3]}")"
done
echo "(load average: $(cut -d' ' -f1-3 /proc/loadavg); cores: $(nproc))"
