#!/usr/bin/env bash
# Process test: a config typo or a bad value makes ringdb exit non-zero at once, naming the key
# and the line on stderr; a Cassandra key ringdb does not use starts with a warning naming it.
# Usage: daemon_config_error.sh path/to/ringdb
set -uo pipefail
bin=${1:?usage: daemon_config_error.sh path/to/ringdb}
. "$(dirname "$0")/daemon_lib.sh"

# expect_error NAME WANT1 WANT2 -- config lines...: ringdb must exit non-zero within 10 s and
# print both WANT strings on stderr.
expect_error() {
    local name=$1 want1=$2 want2=$3
    shift 4
    write_config "$dir/$name.yaml" "$@"
    local rc=0
    timeout 10 "$bin" -f --config "$dir/$name.yaml" >"$dir/$name.out" 2>"$dir/$name.err" || rc=$?
    [ "$rc" -ne 0 ] || fail "$name: exit code 0 (want non-zero)"
    [ "$rc" -ne 124 ] || fail "$name: still running after 10 s (want a quick exit)"
    grep -qF -- "$want1" "$dir/$name.err" || fail "$name: stderr lacks '$want1'"
    grep -qF -- "$want2" "$dir/$name.err" || fail "$name: stderr lacks '$want2'"
    grep -q ' node started ' "$dir/$name.err" && fail "$name: the node started anyway"
    return 0
}

# write_config puts 8 lines first, so the extra lines start at line 9.
expect_error typo "typo.yaml:10:" "commitlog_sync_perod" -- \
    "commitlog_sync: periodic" "commitlog_sync_perod: 10s"
expect_error bad_value "bad_value.yaml:9:" "num_tokens: bad value 'lots'" -- "num_tokens: lots"
expect_error bad_unit "bad_unit.yaml:9:" "commitlog_segment_size" -- \
    "commitlog_segment_size: 32MB"
rc=0
timeout 10 "$bin" --config "$dir/missing.yaml" 2>"$dir/missing.err" || rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || fail "missing config: exit code $rc"
grep -qF "$dir/missing.yaml: cannot open" "$dir/missing.err" || fail "missing config: no path"

# A key Cassandra knows but ringdb ignores: starts, with one warning naming the key and line.
write_config "$dir/known.yaml" "partitioner: org.apache.cassandra.dht.Murmur3Partitioner"
log=$dir/known.log
"$bin" -f --config "$dir/known.yaml" >"$log" 2>&1 &
pid=$!
wait_log "$log" ' INFO  node started ' 10
[ "$(grep -c 'known.yaml:9: partitioner is a Cassandra setting' "$log")" -eq 1 ] ||
    fail "want exactly one warning naming partitioner"
kill -TERM "$pid"
wait_exit 30
[ "$exit_code" -eq 0 ] || fail "known-key run: exit code $exit_code"
echo "PASS daemon_config_error"
