#!/bin/sh
# SSTable point reads beside RocksDB's db_bench (the anchor): 1M keys of 16 bytes, 100-byte
# values, fill then readrandom on one thread. Usage: tests/bench/sstable_vs_rocksdb.sh [build dir]
set -eu
build=${1:-build}
keys=${KEYS:-1000000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sst-vs-rocks-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "## ringdb SSTable (bench_sstable --keys $keys)"
"$build/tests/bench/bench_sstable" --keys "$keys" --reads "$keys" --dir "$tmp"
rm -f "$tmp"/*
if command -v db_bench >/dev/null 2>&1; then
    echo "## RocksDB db_bench (anchor)"
    db_bench --benchmarks=fillseq,readrandom --num="$keys" --key_size=16 --value_size=100 \
        --db="$tmp/rocks" 2>&1 | grep -E '^(fillseq|readrandom)'
else
    echo "db_bench not installed (apt-get install rocksdb-tools)"
fi
