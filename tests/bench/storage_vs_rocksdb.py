#!/usr/bin/env python3
"""Storage benchmark: ringdb's store beside RocksDB's db_bench, in one run, one table.

Runs build/tests/bench/bench_storage and db_bench (Debian's rocksdb-tools) with the same shape:
fillseq, fillrandom, overwrite, readrandom, readseq, seekrandom over --num keys (1,000,000),
16-byte keys, 100-byte values about 50% compressible, one thread, lz4, write-ahead log on
without per-write fsync, 64 MiB write buffer, 128 MiB block/chunk cache. Prints ops/s and MB/s
(key + value bytes) for each, the ratio ringdb/RocksDB, each process's peak resident memory
(ru_maxrss) and write amplification (bytes the process wrote to files, ru_oublock x 512, over
the user bytes of the three write phases).

Usage: tests/bench/storage_vs_rocksdb.py [--num N] [--build DIR] [--dir TMPDIR]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

BENCHES = ["fillseq", "fillrandom", "overwrite", "readrandom", "readseq", "seekrandom"]
ENTRY_BYTES = 16 + 100


def run(cmd):
    """Runs cmd; returns (stdout, peak RSS KiB, bytes written to files)."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("command failed: %s\n%s" % (" ".join(cmd), out))
    return out, ru.ru_maxrss, ru.ru_oublock * 512


def parse_ringdb(out):
    res = {}
    for m in re.finditer(r"^BENCH (\w+) (\d+) ([\d.]+) (\d+)$", out, re.M):
        ops, secs = int(m.group(2)), float(m.group(3))
        res[m.group(1)] = (ops / secs if secs > 0 else 0.0, ops)
    return res


def parse_rocksdb(out):
    # "readrandom   :  10.084 micros/op 99144 ops/sec 0.101 seconds 10000 operations; ..."
    # (progress lines share the line through carriage returns, so no ^ anchor)
    res = {}
    for m in re.finditer(r"(\w+)\s+:\s+[\d.]+ micros/op (\d+) ops/sec", out):
        res[m.group(1)] = (float(m.group(2)), None)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--num", type=int, default=1000000)
    ap.add_argument("--build", default=os.path.join(os.path.dirname(__file__), "../../build"))
    ap.add_argument("--dir", default=None, help="where the two databases go (default: a temp dir)")
    a = ap.parse_args()
    bench = os.path.join(a.build, "tests/bench/bench_storage")
    if not os.access(bench, os.X_OK):
        sys.exit("no %s: build first (cmake --build build)" % bench)
    if not shutil.which("db_bench"):
        sys.exit("no db_bench: deploy/deps.sh bench installs rocksdb-tools")
    top = tempfile.mkdtemp(prefix="storage-bench-", dir=a.dir)
    try:
        r_out, r_rss, r_wr = run([bench, "--num", str(a.num), "--dir", os.path.join(top, "ringdb"),
                                  "--benchmarks=" + ",".join(BENCHES)])
        k_out, k_rss, k_wr = run([
            "db_bench", "--benchmarks=" + ",".join(BENCHES), "--num=%d" % a.num,
            "--key_size=16", "--value_size=100", "--compression_type=lz4", "--threads=1",
            "--sync=0", "--write_buffer_size=67108864", "--cache_size=134217728",
            "--db=" + os.path.join(top, "rocksdb"), "--histogram=0"])
    finally:
        shutil.rmtree(top, ignore_errors=True)
    rr, kr = parse_ringdb(r_out), parse_rocksdb(k_out)
    mb = lambda ops: ops * ENTRY_BYTES / 1048576.0
    print("storage benchmark: %d keys, 16-byte keys, 100-byte values, 1 thread, no fsync per write"
          % a.num)
    print("%-11s %12s %9s %12s %9s %7s" % ("workload", "ringdb op/s", "MB/s", "rocksdb op/s",
                                           "MB/s", "ratio"))
    for b in BENCHES:
        r = rr.get(b, (0.0, 0))[0]
        k = kr.get(b, (0.0, 0))[0]
        print("%-11s %12.0f %9.1f %12.0f %9.1f %7.2f" % (b, r, mb(r), k, mb(k),
                                                           r / k if k else float("nan")))
    user = 3 * a.num * ENTRY_BYTES
    print("%-11s %12.1f %9s %12.1f" % ("peak RSS MiB", r_rss / 1024.0, "", k_rss / 1024.0))
    print("%-11s %12.2f %9s %12.2f" % ("write amp", r_wr / user, "", k_wr / user))


if __name__ == "__main__":
    main()
