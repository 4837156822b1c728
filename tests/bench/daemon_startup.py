#!/usr/bin/env python3
"""Start-up time and idle memory of the ringdb daemon, beside redis-server as an anchor.

Start-up time: from just before exec to the moment the ready line ("node started", Redis: "Ready
to accept connections") is read from the process's stderr/stdout pipe, on an empty data
directory, over --runs runs. Idle RSS: VmRSS and VmHWM from /proc/<pid>/status after the ready
line and --idle seconds of idleness. Prints one table.

Usage: tests/bench/daemon_startup.py [--ringdb build/node/ringdb] [--runs 20] [--idle 2]
"""
import argparse
import os
import select
import shutil
import signal
import statistics
import subprocess
import tempfile
import time


def read_until(proc, needle, deadline_s):
    """Reads the child's output until a line contains needle; returns the time it was read."""
    buf = b""
    end = time.monotonic() + deadline_s
    while True:
        left = end - time.monotonic()
        if left <= 0:
            raise RuntimeError("no %r within %.0fs; output: %r" % (needle, deadline_s, buf[-2000:]))
        ready, _, _ = select.select([proc.stdout], [], [], left)
        if not ready:
            continue
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            raise RuntimeError("process exited; output: %r" % buf[-2000:])
        buf += chunk
        if needle in buf:
            return time.monotonic()


def status_kib(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def run_once(argv, needle, cwd, idle_s):
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    try:
        t1 = read_until(proc, needle, 30)
        rss = hwm = None
        if idle_s > 0:
            time.sleep(idle_s)  # the measurement itself: memory after idling, not a wait
            rss, hwm = status_kib(proc.pid, "VmRSS"), status_kib(proc.pid, "VmHWM")
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        return (t1 - t0) * 1000.0, rss, hwm, proc.returncode
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def ringdb_argv(binary, work):
    conf = os.path.join(work, "ringdb.yaml")
    with open(conf, "w") as f:
        f.write("listen_address: 127.0.0.1\nrpc_address: 127.0.0.1\n"
                "data_file_directories:\n  - %s/data\ncommitlog_directory: %s/commitlog\n"
                % (work, work))
    return [binary, "-f", "--config", conf]


def bench(name, make_argv, needle, runs, idle_s):
    times, last = [], None
    for i in range(runs):
        work = tempfile.mkdtemp(prefix="ringdb_startup.")  # empty data directory each run
        try:
            ms, rss, hwm, rc = run_once(make_argv(work), needle, work, idle_s if i == 0 else 0)
            if i == 0:
                last = (rss, hwm)
            if rc != 0:
                raise RuntimeError("%s exited %d after SIGTERM" % (name, rc))
            times.append(ms)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    times.sort()
    return {"name": name, "min": times[0], "median": statistics.median(times),
            "p90": times[int(0.9 * (len(times) - 1))], "max": times[-1],
            "rss": last[0], "hwm": last[1]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ringdb", default=os.path.join(os.path.dirname(__file__),
                                                     "../../build/node/ringdb"))
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--idle", type=float, default=2.0)
    args = ap.parse_args()
    rows = [bench("ringdb -f", lambda w: ringdb_argv(os.path.abspath(args.ringdb), w),
                  b" node started ", args.runs, args.idle)]
    redis = shutil.which("redis-server")
    if redis:
        rows.append(bench("redis-server (anchor)",
                          lambda w: [redis, "--port", "0", "--unixsocket", w + "/redis.sock",
                                     "--save", "", "--appendonly", "no", "--dir", w],
                          b"eady to accept connections", args.runs, args.idle))
    print("start-up to ready line, empty data directory, %d runs; RSS after %.0fs idle"
          % (args.runs, args.idle))
    print("| program | min ms | median ms | p90 ms | max ms | idle VmRSS KiB | VmHWM KiB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print("| %s | %.1f | %.1f | %.1f | %.1f | %d | %d |" % (
            r["name"], r["min"], r["median"], r["p90"], r["max"], r["rss"], r["hwm"]))


if __name__ == "__main__":
    main()
