#!/usr/bin/env python3
"""Storage benchmark: ringdb's store beside RocksDB's db_bench, in one run, one table.

Runs build/tests/bench/bench_storage and db_bench (Debian's rocksdb-tools) with the same shape:
fillseq, fillrandom, overwrite, readrandom, readseq, seekrandom over --num keys (1,000,000),
16-byte keys, 100-byte values about 50% compressible, one thread, lz4, write-ahead log on
without per-write fsync, 64 MiB write buffer, 128 MiB block/chunk cache, 4 KiB blocks/chunks
(db_bench --block_size=4096, its default; the table's chunk_length_in_kb 4). Prints ops/s and MB/s
(key + value bytes) for each, the ratio ringdb/RocksDB, each process's peak resident memory
(ru_maxrss) and write amplification (bytes the process wrote to files, ru_oublock x 512, over
the user bytes of the three write phases).

Rounds (--rounds, 2) alternate ringdb and db_bench; each workload's best rate over the rounds
is reported (other jobs on the machine only ever slow a run down), peak RSS is the highest of
the rounds, write amplification their mean.

Usage: tests/bench/storage_vs_rocksdb.py [--num N] [--rounds R] [--build DIR] [--dir TMPDIR]
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
    ap.add_argument("--rounds", type=int, default=2,
                    help="alternating rounds of each program; a workload's best rate counts")
    a = ap.parse_args()
    bench = os.path.join(a.build, "tests/bench/bench_storage")
    if not os.access(bench, os.X_OK):
        sys.exit("no %s: build first (cmake --build build)" % bench)
    if not shutil.which("db_bench"):
        sys.exit("no db_bench: deploy/deps.sh bench installs rocksdb-tools")
    load0 = os.getloadavg()
    top = tempfile.mkdtemp(prefix="storage-bench-", dir=a.dir)
    ring_cmd = [bench, "--num", str(a.num), "--dir", os.path.join(top, "ringdb"),
                "--chunk_kb", "4", "--memtable_mib", "64", "--benchmarks=" + ",".join(BENCHES)]
    rocks_cmd = ["db_bench", "--benchmarks=" + ",".join(BENCHES), "--num=%d" % a.num,
                 "--key_size=16", "--value_size=100", "--compression_type=lz4", "--threads=1",
                 "--sync=0", "--write_buffer_size=67108864", "--cache_size=134217728",
                 "--block_size=4096", "--db=" + os.path.join(top, "rocksdb"), "--histogram=0"]
    # Rounds alternate the two programs; each workload keeps its best rate over the rounds
    # (interference from other jobs only ever slows a run down).
    rr, kr, r_rss, k_rss, r_wr, k_wr = {}, {}, 0, 0, [], []
    try:
        for _ in range(a.rounds):
            out, rss, wr = run(ring_cmd)
            for b, v in parse_ringdb(out).items():
                rr[b] = max(rr.get(b, 0.0), v[0])
            r_rss, r_wr = max(r_rss, rss), r_wr + [wr]
            out, rss, wr = run(rocks_cmd)
            for b, v in parse_rocksdb(out).items():
                kr[b] = max(kr.get(b, 0.0), v[0])
            k_rss, k_wr = max(k_rss, rss), k_wr + [wr]
            shutil.rmtree(os.path.join(top, "rocksdb"), ignore_errors=True)
    finally:
        shutil.rmtree(top, ignore_errors=True)
    mb = lambda ops: ops * ENTRY_BYTES / 1048576.0
    print("storage benchmark: %d keys, 16-byte keys, 100-byte values, 1 thread, no fsync per write;"
          " best of %d alternating round(s)" % (a.num, a.rounds))
    print("%-11s %12s %9s %12s %9s %7s" % ("workload", "ringdb op/s", "MB/s", "rocksdb op/s",
                                           "MB/s", "ratio"))
    for b in BENCHES:
        r, k = rr.get(b, 0.0), kr.get(b, 0.0)
        print("%-11s %12.0f %9.1f %12.0f %9.1f %7.2f" % (b, r, mb(r), k, mb(k),
                                                           r / k if k else float("nan")))
    user = 3 * a.num * ENTRY_BYTES
    print("%-11s %12.1f %9s %12.1f" % ("peak RSS MiB", r_rss / 1024.0, "", k_rss / 1024.0))
    print("%-11s %12.2f %9s %12.2f" % ("write amp", sum(r_wr) / len(r_wr) / user, "",
                                       sum(k_wr) / len(k_wr) / user))
    load1 = os.getloadavg()
    print("load average (1/5/15 min) at start %.2f %.2f %.2f, at end %.2f %.2f %.2f; %d CPUs"
          % (load0 + load1 + (os.cpu_count(),)))

if __name__ == "__main__":
    main()
