"""The README's launch command as a user runs it: deploy/launch.sh starts three nodes on
127.0.0.1-3, prints where each listens and how to connect and stop; the Python driver
reaches each node; a node killed with SIGKILL comes back, on its data, when launch.sh is run
again (the others are left running); deploy/stop.sh stops them all cleanly.

Runs on a free port (the same on the three addresses) and a temp run directory, with the
ringdb binary given on the command line; every process is signalled by its PID only.

Usage: /usr/bin/python3 launch_cluster.py RINGDB_BINARY
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ADDRS = ["127.0.0.1", "127.0.0.2", "127.0.0.3"]
BIN = None


def port_free_everywhere():
    """A TCP port that can be bound on the three addresses (best effort: bind, then free)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind((ADDRS[0], 0))
            port = s.getsockname()[1]
        ok = True
        for a in ADDRS:
            with socket.socket() as s:
                try:
                    s.bind((a, port))
                except OSError:
                    ok = False
        if ok:
            return port
    raise AssertionError("no port free on all of %s" % ADDRS)


def gone(pid, timeout_s):
    """True once pid has exited (a zombie waiting for its reaper counts as exited)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with open("/proc/%d/stat" % pid) as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except OSError:
            return True
        time.sleep(0.02)
    return False


class LaunchClusterTest(unittest.TestCase):
    def setUp(self):
        self.run_dir = tempfile.mkdtemp(prefix="ringdb_launch_")
        self.port = port_free_everywhere()
        self.storage_port = port_free_everywhere()
        self.env = dict(os.environ, RINGDB_BIN=BIN)

    def tearDown(self):
        subprocess.run([os.path.join(REPO, "deploy", "stop.sh"), "--run-dir", self.run_dir,
                        "--timeout", "20"], capture_output=True, timeout=60)
        for k in (1, 2, 3):  # whatever stop.sh could not stop
            pid = self.pid(k)
            if pid:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        if self._outcome_ok():
            shutil.rmtree(self.run_dir, ignore_errors=True)
        else:
            sys.stderr.write("run directory kept: %s\n" % self.run_dir)

    def _outcome_ok(self):
        res = getattr(self, "_outcome", None)
        errs = getattr(getattr(res, "result", None), "errors", []) + \
            getattr(getattr(res, "result", None), "failures", [])
        return not errs

    def pid(self, k):
        try:
            with open(os.path.join(self.run_dir, "node%d" % k, "ringdb.pid")) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def launch(self):
        p = subprocess.run([os.path.join(REPO, "deploy", "launch.sh"), "--no-build",
                            "--run-dir", self.run_dir, "--port", str(self.port),
                            "--storage-port", str(self.storage_port)],
                           env=self.env, capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        return p.stdout

    def session(self, addr):
        from cassandra.cluster import Cluster
        c = Cluster([addr], port=self.port, protocol_version=4, connect_timeout=15,
                    control_connection_timeout=15)
        self.addCleanup(c.shutdown)
        return c.connect()

    def test_launch_kill_relaunch_stop(self):
        out = self.launch()
        self.assertIn("ringdb: 3 node(s) up", out)
        for k, addr in enumerate(ADDRS, 1):
            self.assertRegex(out, r"node%d\s+pid %d\s+cql %s:%d" % (k, self.pid(k), re.escape(addr),
                                                                  self.port))
        self.assertIn("Stop:\n  deploy/stop.sh --run-dir %s" % self.run_dir, out)
        for addr in ADDRS:
            row = self.session(addr).execute("SELECT rpc_address, release_version "
                                             "FROM system.local").one()
            self.assertEqual((row.rpc_address, row.release_version[:4]), (addr, "4.1."))

        s = self.session(ADDRS[0])
        s.execute("CREATE KEYSPACE demo WITH replication = "
                  "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        s.execute("CREATE TABLE demo.users (id int PRIMARY KEY, name text)")
        for i, name in enumerate(["Ada", "Grace", "Edsger"]):
            s.execute("INSERT INTO demo.users (id, name) VALUES (%s, %s)", (i, name))

        old = [self.pid(k) for k in (1, 2, 3)]
        os.kill(old[0], signal.SIGKILL)
        self.assertTrue(gone(old[0], 10))

        out = self.launch()
        self.assertIn("node2 is already running (pid %d)" % old[1], out)
        self.assertIn("node3 is already running (pid %d)" % old[2], out)
        self.assertIn("starting node(s) 1 ", out)
        self.assertNotEqual(self.pid(1), old[0])
        self.assertEqual([self.pid(2), self.pid(3)], old[1:])
        rows = self.session(ADDRS[0]).execute("SELECT id, name FROM demo.users")
        self.assertEqual(sorted((r.id, r.name) for r in rows),
                         [(0, "Ada"), (1, "Grace"), (2, "Edsger")])

        pids = [self.pid(k) for k in (1, 2, 3)]
        p = subprocess.run([os.path.join(REPO, "deploy", "stop.sh"), "--run-dir", self.run_dir],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        for pid in pids:
            self.assertTrue(gone(pid, 10), "pid %d still running after stop.sh" % pid)

if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
