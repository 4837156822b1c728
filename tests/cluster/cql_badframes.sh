#!/usr/bin/env bash
# Process test: a real ringdb daemon gets truncated, oversized, wrong-version, garbage and
# malformed frames (tests/progs/cql_badframes.c) on separate connections; each must get an
# ERROR or a close, a well-behaved client keeps getting answers throughout, and the daemon
# still stops cleanly (exit 0) on SIGTERM afterwards.
# Usage: cql_badframes.sh path/to/ringdb path/to/cql_badframes
set -uo pipefail
bin=${1:?usage: cql_badframes.sh path/to/ringdb path/to/cql_badframes}
prog=${2:?usage: cql_badframes.sh path/to/ringdb path/to/cql_badframes}
. "$(dirname "$0")/daemon_lib.sh"

port=$native_port
write_config "$dir/ringdb.yaml"
log=$dir/ringdb.log
"$bin" -f --config "$dir/ringdb.yaml" >"$log" 2>&1 &
pid=$!
wait_log "$log" "cql server listening address=127.0.0.1 port=$port" 20
timeout 120 "$prog" "$port" >"$dir/badframes.out" 2>&1 || { cat "$dir/badframes.out" >&2; fail "cql_badframes failed"; }
kill -0 "$pid" 2>/dev/null || fail "ringdb died"
kill -TERM "$pid"
wait_exit 30
[ "$exit_code" -eq 0 ] || fail "exit code $exit_code after SIGTERM (want 0)"
grep -q ' node stopped state=STOPPED' "$log" || fail "no stopped line"
if grep -qE ' ERROR | assert' "$log"; then fail "errors in the log"; fi
echo "PASS cql_badframes"
