#!/usr/bin/env python3
"""Process-level crash test of the commit log (kill -9 at random moments).

Each round starts tests/progs/crash_writer (several threads appending numbered records, printing
each number once it is acknowledged), kills it with SIGKILL after a random delay, then runs
`crash_writer verify`, which restarts the log (validation, replay) and checks that every number
acknowledged in that round is present and that nothing never-written appears. The next writer
marks what it replayed as flushed, so older segments get deleted (under kills too) and the log
stays small. Rounds cycle through
the batch, group and periodic sync modes (in periodic mode a record is acknowledged once its
write() returned, which a process kill must not lose either). Seeded: the same seed gives the
same kill schedule. Bounded: each round has deadlines; the whole run a few seconds per round.

Usage: crash_commitlog.py <crash_writer binary> [--rounds N] [--seed S] [--keep]
On failure the working directory is kept and its path printed.
"""
import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

MODES = ["batch", "group", "periodic"]
START_DEADLINE_S = 20.0
VERIFY_TIMEOUT_S = 60.0


def read_acks(pipe, acked, lock, first_ack):
    """Collects complete lines (a line cut by the kill is not an acknowledgement)."""
    buf = b""
    while True:
        chunk = pipe.read1(65536) if hasattr(pipe, "read1") else os.read(pipe.fileno(), 65536)
        if not chunk:
            break
        buf += chunk
        *lines, buf = buf.split(b"\n")
        if lines:
            with lock:
                acked.extend(lines)
            first_ack.set()


def run_round(binary, workdir, rnd, rng):
    mode = MODES[rnd % len(MODES)]
    threads = rng.choice([2, 4, 8])
    segment_bytes = rng.choice([64 << 10, 256 << 10])
    delay = rng.uniform(0.02, 0.4)
    logdir = os.path.join(workdir, "log")
    cmd = [binary, "write", logdir, mode, str(threads), str(segment_bytes)]
    errpath = os.path.join(workdir, "writer-%d.err" % rnd)
    with open(errpath, "wb") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err)
    acked, lock, first_ack = [], threading.Lock(), threading.Event()
    reader = threading.Thread(target=read_acks, args=(proc.stdout, acked, lock, first_ack))
    reader.start()
    try:
        if not first_ack.wait(START_DEADLINE_S):
            raise RuntimeError("round %d: writer acknowledged nothing in %.0fs (see %s)"
                               % (rnd, START_DEADLINE_S, errpath))
        time.sleep(delay)  # the random kill moment (not a wait for a condition)
        if proc.poll() is not None:
            raise RuntimeError("round %d: writer exited early with %d (see %s)"
                               % (rnd, proc.returncode, errpath))
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        reader.join()
        proc.stdout.close()
    acked_path = os.path.join(workdir, "acked-%d.txt" % rnd)
    with open(acked_path, "wb") as f:
        for line in acked:
            f.write(line + b"\n")
    res = subprocess.run([binary, "verify", logdir, acked_path], capture_output=True,
                         timeout=VERIFY_TIMEOUT_S)
    if res.returncode != 0:
        raise RuntimeError("round %d (%s, %d threads, kill after %.3fs): verify failed:\n%s%s"
                           % (rnd, mode, threads, delay, res.stdout.decode(),
                              res.stderr.decode()))
    print("round %2d mode=%-8s threads=%d segment=%dK acked_this_round=%d %s"
          % (rnd, mode, threads, segment_bytes >> 10, len(acked), res.stdout.decode().strip()))
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--rounds", type=int, default=24)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    workdir = tempfile.mkdtemp(prefix="ringdb-crash-commitlog-")
    print("crash_commitlog seed=%d rounds=%d dir=%s" % (args.seed, args.rounds, workdir))
    start = time.monotonic()
    try:
        for rnd in range(args.rounds):
            run_round(args.binary, workdir, rnd, rng)
    except Exception as e:  # keep the evidence
        print("FAILED: %s\nkept %s" % (e, workdir))
        return 1
    print("all %d rounds passed in %.1fs" % (args.rounds, time.monotonic() - start))
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
