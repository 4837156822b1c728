#!/usr/bin/env bash
# Stops the local cluster started by deploy/launch.sh: sends SIGTERM to each node named by a
# run/nodeK/ringdb.pid file (after checking the PID is a ringdb process), waits for them to
# flush and exit, SIGKILLs the ones still running at the deadline, and reports each node.
#
# Usage: deploy/stop.sh [--run-dir DIR] [--timeout SECONDS]
#   --run-dir DIR    the directory given to launch.sh (default run/)
#   --timeout S      how long to wait for a clean stop before SIGKILL (default 60)
# Exit status: 0 when every node stopped cleanly (or none was running), 1 if one was killed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
run_dir=$root/run
timeout_s=60
while [ $# -gt 0 ]; do
    case "$1" in
        --run-dir) run_dir=${2:?--run-dir needs a directory}; shift 2 ;;
        --timeout) timeout_s=${2:?--timeout needs seconds}; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "stop.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done

is_ringdb() {
    local pid=$1
    local exe
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
    exe=${exe% (deleted)} # the binary was rebuilt while the node ran
    [ "$(basename "$exe")" = ringdb ]
}

# Alive and not a zombie (a node whose parent has not reaped it yet counts as stopped).
running() {
    local state
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}

names=()
pids=()
for pidfile in $(ls -d "$run_dir"/node*/ringdb.pid 2>/dev/null | sort -V); do
    node=$(basename "$(dirname "$pidfile")")
    pid=$(cat "$pidfile" 2>/dev/null || true)
    if ! is_ringdb "$pid"; then
        echo "  $node: not running (removing stale pid file)"
        rm -f "$pidfile"
        continue
    fi
    kill -TERM "$pid"
    names+=("$node")
    pids+=("$pid")
done
if [ "${#pids[@]}" -eq 0 ]; then
    echo "stop.sh: no running node under $run_dir"
    exit 0
fi
echo "stop.sh: SIGTERM sent to ${#pids[@]} node(s); waiting up to ${timeout_s}s"

deadline=$(($(date +%s) + timeout_s))
while [ "$(date +%s)" -lt "$deadline" ]; do
    alive=0
    for pid in "${pids[@]}"; do running "$pid" && alive=$((alive + 1)); done
    [ "$alive" -eq 0 ] && break
    sleep 0.05
done

status=0
for i in "${!pids[@]}"; do
    node=${names[$i]} pid=${pids[$i]}
    log=$run_dir/$node/logs/system.log
    if running "$pid"; then
        kill -KILL "$pid" 2>/dev/null || true
        echo "  $node: pid $pid did not stop within ${timeout_s}s: killed (SIGKILL)"
        status=1
    elif tail -n 5 "$log" 2>/dev/null | grep -q ' node stopped '; then
        echo "  $node: pid $pid stopped cleanly"
    else
        echo "  $node: pid $pid exited without its 'stopped' line; see $log"
        status=1
    fi
    rm -f "$run_dir/$node/ringdb.pid"
done
exit $status
