#!/usr/bin/env bash
# Process test of the schema phase: a first start makes the node identity and loads only the
# system keyspaces; a restart keeps the host id and tokens; a corrupt catalog.db or a changed
# cluster_name / num_tokens stops the start with a message naming the file or the setting.
# Usage: daemon_schema.sh path/to/ringdb
set -uo pipefail
bin=${1:?usage: daemon_schema.sh path/to/ringdb}
. "$(dirname "$0")/daemon_lib.sh"

# run_ok NAME: starts with $dir/node.yaml, waits for the ready line, stops with SIGTERM.
run_ok() {
    local log=$dir/$1.log
    "$bin" -f --config "$dir/node.yaml" >"$log" 2>&1 &
    pid=$!
    wait_log "$log" ' INFO  node started ' 20
    kill -TERM "$pid"
    wait_exit 30
    [ "$exit_code" -eq 0 ] || fail "$1: exit code $exit_code"
}

# run_fail NAME WANT: the start must fail within 20 s, printing WANT.
run_fail() {
    local rc=0
    timeout 20 "$bin" -f --config "$dir/node.yaml" >"$dir/$1.log" 2>&1 || rc=$?
    [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || fail "$1: exit code $rc (want a quick failure)"
    grep -qF -- "$2" "$dir/$1.log" || fail "$1: output lacks '$2'"
    grep -q ' node started ' "$dir/$1.log" && fail "$1: the node started anyway"
    return 0
}

write_config "$dir/node.yaml" "num_tokens: 4"
run_ok first
grep -q 'schema loaded (first start: system keyspaces only) keyspaces=7' "$dir/first.log" ||
    fail "first start: no 'schema loaded' line"
id1=$(grep -o 'host_id=[0-9a-f-]*' "$dir/first.log" | tail -1)
[ -n "$id1" ] || fail "first start: no host id logged"
[ -f "$dir/data/system/local.db" ] || fail "no local.db"

run_ok second
id2=$(grep -o 'host_id=[0-9a-f-]*' "$dir/second.log" | tail -1)
[ "$id1" = "$id2" ] || fail "host id changed across restart: $id1 vs $id2"

write_config "$dir/node.yaml" "num_tokens: 8"
run_fail tokens "Cannot change the number of tokens from 4 to 8"

write_config "$dir/node.yaml" "num_tokens: 4" "cluster_name: 'another'"
sed -i "s/^cluster_name: 'daemon test'$//" "$dir/node.yaml"
run_fail cluster "Saved cluster name daemon test != configured name another"

write_config "$dir/node.yaml" "num_tokens: 4"
mkdir -p "$dir/data/system_schema"
printf 'RDBCATLG garbage' >"$dir/data/system_schema/catalog.db"
run_fail corrupt "schema catalog $dir/data/system_schema/catalog.db is corrupt"
echo "PASS daemon_schema"
