#!/usr/bin/env bash
# Process test: ringdb starts, logs its ready line and stops on SIGTERM (and on SIGINT) with
# exit code 0 after logging "stopping", closing the store and "stopped"; the second run restarts
# on the first run's data and commit log. Also: --version, --help, a bad argument.
# Usage: daemon_start_stop.sh path/to/ringdb
set -uo pipefail
bin=${1:?usage: daemon_start_stop.sh path/to/ringdb}
. "$(dirname "$0")/daemon_lib.sh"

write_config "$dir/ringdb.yaml"
for sig in TERM INT; do
    log=$dir/ringdb.$sig.log
    "$bin" -f --config "$dir/ringdb.yaml" >"$log" 2>&1 &
    pid=$!
    wait_log "$log" ' INFO  node started state=NORMAL' 10
    kill "-$sig" "$pid"
    wait_exit 30
    [ "$exit_code" -eq 0 ] || fail "exit code $exit_code after SIG$sig (want 0)"
    grep -q " node stopping reason=SIG$sig" "$log" || fail "no stopping line for SIG$sig"
    grep -q ' node stopped state=STOPPED' "$log" || fail "no stopped line after SIG$sig"
    [ -d "$dir/data" ] && [ -d "$dir/commitlog" ] || fail "data or commit log dir not created"
    grep -q " node store opened data_dir=$dir/data " "$log" || fail "no 'store opened' line"
    grep -q ' node commit log replay done ' "$log" || fail "no replay line"
    grep -q ' node store closed ' "$log" || fail "the store was not closed on SIG$sig"
done

# A data directory that is a file: the start fails (exit 1) naming it, before "started".
write_config "$dir/file.yaml"
sed -i "s#$dir/data#$dir/not_a_dir#" "$dir/file.yaml"
touch "$dir/not_a_dir"
rc=0
timeout 10 "$bin" -f --config "$dir/file.yaml" >"$dir/file.log" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "data directory is a file: exit code $rc (want 1)"
grep -q "$dir/not_a_dir" "$dir/file.log" || fail "the failed start does not name the directory"
grep -q ' node started ' "$dir/file.log" && fail "started with a file as data directory"

"$bin" --version | grep -q '^ringdb ' || fail "--version does not print the version"
"$bin" --help | grep -q 'usage: ringdb' || fail "--help does not print the usage"
rc=0
"$bin" --no-such-flag >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "a bad argument exits $rc (want 2)"
echo "PASS daemon_start_stop"
