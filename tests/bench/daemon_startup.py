#!/usr/bin/env python3
"""Start-up time and idle memory of the ringdb daemon, beside redis-server as an anchor.

Per run, on an empty data directory (a new temp dir), from just before exec:
  port ms    the first TCP connect() to the client port that succeeds (polled every ~0.5 ms)
  answer ms  the first answer on that connection: OPTIONS -> SUPPORTED (CQL v4); Redis:
             PING -> +PONG
  ready ms   the ready line ("node started"; Redis: "Ready to accept connections") read from
             the process's stdout/stderr pipe
Idle memory: VmRSS and VmHWM from /proc/<pid>/status after the ready line and --idle seconds
(first run only). ringdb runs twice: AllowAllAuthenticator (the default) and
PasswordAuthenticator; both create the default superuser (one Argon2id hash) in the
background on a first start. Prints one markdown table (medians and p90 over --runs runs) and
the load average before and after.

Usage: tests/bench/daemon_startup.py [--ringdb build/node/ringdb] [--runs 20] [--idle 2]
"""
import argparse
import os
import select
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


OPTIONS = struct.pack(">BBhBI", 0x04, 0, 0, 0x05, 0)


def first_answer(sock, is_redis):
    """Sends one request and reads until its answer has arrived; raises if it is wrong."""
    sock.sendall(b"PING\r\n" if is_redis else OPTIONS)
    buf = b""
    want = 7 if is_redis else 9
    while len(buf) < want:
        chunk = sock.recv(4096)
        if not chunk:
            raise RuntimeError("connection closed before the first answer")
        buf += chunk
    if is_redis:
        ok = buf.startswith(b"+PONG")
    else:
        ok = buf[0] == 0x84 and buf[4] == 0x06  # v4 response, SUPPORTED
    if not ok:
        raise RuntimeError("unexpected first answer %r" % buf[:32])


def watch(proc, needle, port, is_redis, deadline_s):
    """Polls the port and the output pipe together until the port answered and the ready
    line was read. Returns the monotonic times (port open, first answer, ready line)."""
    out = b""
    t_port = t_answer = t_ready = None
    end = time.monotonic() + deadline_s
    while t_answer is None or t_ready is None:
        if time.monotonic() > end:
            raise RuntimeError("not ready within %.0fs; output: %r" % (deadline_s, out[-2000:]))
        if t_ready is None:
            ready, _, _ = select.select([proc.stdout], [], [], 0.0005)
            if ready:
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    raise RuntimeError("process exited; output: %r" % out[-2000:])
                out += chunk
                if needle in out:
                    t_ready = time.monotonic()
        if t_answer is None:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                    t_port = time.monotonic()
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    first_answer(sock, is_redis)
                    t_answer = time.monotonic()
            except ConnectionRefusedError:
                pass
    return t_port, t_answer, t_ready


def status_kib(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def run_once(argv, needle, port, is_redis, cwd, idle_s):
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    try:
        t_port, t_answer, t_ready = watch(proc, needle, port, is_redis, 30)
        rss = hwm = None
        if idle_s > 0:
            time.sleep(idle_s)  # the measurement itself: memory after idling, not a wait
            rss, hwm = status_kib(proc.pid, "VmRSS"), status_kib(proc.pid, "VmHWM")
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        ms = [(t - t0) * 1000.0 for t in (t_port, t_answer, t_ready)]
        return ms, rss, hwm, proc.returncode
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def ringdb_argv(binary, authenticator):
    def make(work, port):
        conf = os.path.join(work, "ringdb.yaml")
        with open(conf, "w") as f:
            f.write("listen_address: 127.0.0.1\nrpc_address: 127.0.0.1\n"
                    "native_transport_port: %d\nstorage_port: %d\nauthenticator: %s\n"
                    "data_file_directories:\n  - %s/data\ncommitlog_directory: %s/commitlog\n"
                    % (port, free_port(), authenticator, work, work))
        return [binary, "-f", "--config", conf]
    return make


def redis_argv(binary):
    def make(work, port):
        return [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", work]
    return make


def pct(xs, q):
    xs = sorted(xs)
    return xs[int(q * (len(xs) - 1))]


def bench(name, make_argv, needle, is_redis, runs, idle_s):
    cols, last = ([], [], []), None
    for i in range(runs):
        work = tempfile.mkdtemp(prefix="ringdb_startup.")  # empty data directory each run
        try:
            port = free_port()
            ms, rss, hwm, rc = run_once(make_argv(work, port), needle, port, is_redis, work,
                                        idle_s if i == 0 else 0)
            if i == 0:
                last = (rss, hwm)
            if rc != 0:
                raise RuntimeError("%s exited %d after SIGTERM" % (name, rc))
            for c, v in zip(cols, ms):
                c.append(v)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return {"name": name, "cols": cols, "rss": last[0], "hwm": last[1]}


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ringdb", default=os.path.join(os.path.dirname(__file__),
                                                     "../../build/node/ringdb"))
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--idle", type=float, default=2.0)
    args = ap.parse_args()
    binary = os.path.abspath(args.ringdb)
    load_before = loadavg()
    rows = [bench("ringdb -f", ringdb_argv(binary, "AllowAllAuthenticator"), b" node started ",
                  False, args.runs, args.idle),
            bench("ringdb -f, PasswordAuthenticator", ringdb_argv(binary, "PasswordAuthenticator"),
                  b" node started ", False, args.runs, args.idle)]
    redis = shutil.which("redis-server")
    if redis:
        rows.append(bench("redis-server (anchor)", redis_argv(redis), b"eady to accept connections",
                          True, args.runs, args.idle))
    print("empty data directory, %d runs, medians (p90); RSS after %.0fs idle; load average %s "
          "before, %s after" % (args.runs, args.idle, load_before, loadavg()))
    print("| program | port open ms | first answer ms | ready line ms | idle VmRSS KiB "
          "| VmHWM KiB |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        cells = ["%.1f (%.1f)" % (statistics.median(c), pct(c, 0.9)) for c in r["cols"]]
        print("| %s | %s | %s | %s | %d | %d |" % (r["name"], cells[0], cells[1], cells[2],
                                                   r["rss"], r["hwm"]))


if __name__ == "__main__":
    main()
