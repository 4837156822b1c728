# Helpers for the daemon process tests (sourced). Each test gets a temp dir, starts ringdb as
# its own child, waits for log lines with a deadline (never a fixed sleep), and on failure keeps
# the logs and prints their path. Only processes started here are ever signalled, by PID.

dir=$(mktemp -d "${TMPDIR:-/tmp}/ringdb_daemon_test.XXXXXX")
pid=

fail() {
    echo "FAIL: $*" >&2
    echo "logs kept in $dir" >&2
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
    trap - EXIT
    exit 1
}

cleanup() {
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT

# A free port for the CQL server (the daemon listens once the executor exists): tests may run
# side by side, and 9042 may be taken.
native_port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# write_config FILE [extra yaml lines...]: a config with every directory under $dir, listening
# for CQL on $native_port.
write_config() {
    local f=$1
    shift
    {
        echo "cluster_name: 'daemon test'"
        echo "listen_address: 127.0.0.1"
        echo "rpc_address: 127.0.0.1"
        echo "data_file_directories:"
        echo "  - $dir/data"
        echo "commitlog_directory: $dir/commitlog"
        echo "hints_directory: $dir/hints"
        echo "saved_caches_directory: $dir/saved_caches"
        for line in "$@"; do echo "$line"; done
        echo "native_transport_port: $native_port" # last: the lines above keep their numbers
    } >"$f"
}

# wait_log FILE PATTERN SECONDS: until FILE has a line matching PATTERN, while $pid lives.
wait_log() {
    local file=$1 pattern=$2 deadline=$(($(date +%s) + $3))
    until grep -q -- "$pattern" "$file" 2>/dev/null; do
        kill -0 "$pid" 2>/dev/null || fail "ringdb exited before logging '$pattern'"
        [ "$(date +%s)" -lt "$deadline" ] || fail "no '$pattern' in $file after $3 s"
        sleep 0.02
    done
}

# wait_exit SECONDS: waits for $pid to exit and sets $exit_code.
wait_exit() {
    local deadline=$(($(date +%s) + $1)) state
    while :; do
        state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)
        [ -z "$state" ] || [ "$state" = Z ] && break
        [ "$(date +%s)" -lt "$deadline" ] || fail "ringdb still running $1 s after the signal"
        sleep 0.02
    done
    exit_code=0
    wait "$pid" || exit_code=$?
    pid=
}
