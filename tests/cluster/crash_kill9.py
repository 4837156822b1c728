#!/usr/bin/env python3
"""Process-level crash tests (kill -9 at random moments) of the commit log and the store.

Each round starts the program under test (tests/progs/crash_writer: the commit log alone;
tests/progs/crash_store: the store, with memtable flushes and segment deletion going on) with
several threads writing numbered records and printing each number once it is acknowledged,
kills it with SIGKILL after a random delay, then runs `<program> verify`, which restarts
(validation, replay) and checks that every number acknowledged in that round is readable and
that nothing never-written appears. Rounds cycle through the batch, group and periodic sync
modes (in periodic mode a write is acknowledged once its write() returned, which a process kill
must not lose either). With --faults, every third round runs the writer with
RINGDB_FAULTS="path=CommitLog,enospc_after_writes=K" (a disk that fills up after K commit-log
writes): refused writes are not acknowledged, and every acknowledged one must survive.
Seeded: the same seed gives the same schedule. Bounded: deadlines per round.

Usage: crash_kill9.py <crash_writer|crash_store binary> [--rounds N] [--seed S] [--faults]
                      [--keep]
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
# The writer's last argument: segment bytes (crash_writer) or memtable bytes (crash_store).
EXTRA = {"crash_writer": [64 << 10, 256 << 10], "crash_store": [256 << 10, 1 << 20]}
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


def run_round(binary, workdir, rnd, rng, with_faults):
    mode = MODES[rnd % len(MODES)]
    threads = rng.choice([2, 4, 8])
    extra = rng.choice(EXTRA[os.path.basename(binary)])
    delay = rng.uniform(0.02, 0.4)
    env = dict(os.environ)
    env.pop("RINGDB_FAULTS", None)
    faults = ""
    if with_faults and rnd % 3 == 2:
        faults = "path=CommitLog,enospc_after_writes=%d" % rng.randint(20, 600)
        env["RINGDB_FAULTS"] = faults
    logdir = os.path.join(workdir, "db")
    cmd = [binary, "write", logdir, mode, str(threads), str(extra)]
    errpath = os.path.join(workdir, "writer-%d.err" % rnd)
    with open(errpath, "wb") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, env=env)
    acked, lock, first_ack = [], threading.Lock(), threading.Event()
    reader = threading.Thread(target=read_acks, args=(proc.stdout, acked, lock, first_ack))
    reader.start()
    try:
        if not first_ack.wait(START_DEADLINE_S) and not faults:
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
    print("round %2d mode=%-8s threads=%d extra=%dK %s acked_this_round=%d %s"
          % (rnd, mode, threads, extra >> 10, faults or "no-faults", len(acked),
             res.stdout.decode().strip()))
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--rounds", type=int, default=24)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--faults", action="store_true")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    workdir = tempfile.mkdtemp(prefix="ringdb-crash-%s-" % os.path.basename(args.binary))
    print("crash_kill9 %s seed=%d rounds=%d faults=%s dir=%s"
          % (os.path.basename(args.binary), args.seed, args.rounds, args.faults, workdir))
    start = time.monotonic()
    try:
        for rnd in range(args.rounds):
            run_round(args.binary, workdir, rnd, rng, args.faults)
    except Exception as e:  # keep the evidence
        print("FAILED: %s\nkept %s" % (e, workdir))
        return 1
    print("all %d rounds passed in %.1fs" % (args.rounds, time.monotonic() - start))
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
