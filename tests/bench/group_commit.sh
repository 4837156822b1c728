#!/bin/sh
# Group commit beside its anchor, the machine's raw fsync rate: one table from
# bench_group_commit (raw fdatasync after each 100-byte append, then the commit log and the
# store in batch and group modes with 64 writer threads, each write acknowledged only once
# durable). Target: acknowledged durable writes/s >= 10x the raw fsync rate.
# Usage: tests/bench/group_commit.sh [build dir]   env: THREADS (64), SECONDS_PER_ROW (3),
#        WINDOWS (2,15), BENCH_DIR (a directory on the disk under test; default $TMPDIR or /tmp)
set -eu
build=${1:-build}
tmp=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/group-commit-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "## $(uname -srm), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), fs $(df -T "$tmp" | awk 'NR==2{print $2}')"
"$build/tests/bench/bench_group_commit" --dir "$tmp" --threads "${THREADS:-64}" \
    --seconds "${SECONDS_PER_ROW:-3}" --windows "${WINDOWS:-2,15}"
