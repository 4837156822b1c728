"""Harness for the client tests: a real `ringdb -f` node for the drivers to talk to.

Each node gets its own temp dir (config, data, commit log, log file), a free CQL port and a
free storage port on a loopback address, and is started as a child process. `start` waits for
the "cql server listening" log line with a deadline (never a fixed sleep); `stop` sends SIGTERM
to that PID, then SIGKILL after a deadline, and checks the exit code and the log for ERROR
lines. A failing run keeps its dir and prints the log path; a passing run removes it. Only the
process started here is ever signalled, by its PID.

Also: the driver-log capture the Python tests use to fail on any driver warning, and
`main()`, which takes `--ringdb PATH` off the command line before unittest sees it.

Runs with Debian's /usr/bin/python3 (python3-cassandra 3.25, python3-lz4).
"""
import logging
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
START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 30
DC = "datacenter1"

_binary = os.environ.get("RINGDB_BIN") or os.path.join(REPO, "build", "node", "ringdb")


def binary():
    """The ringdb executable the tests run (--ringdb PATH, $RINGDB_BIN, or build/node/ringdb)."""
    return _binary


def free_port(address="127.0.0.1"):
    """A TCP port nobody listens on at `address` right now (the kernel picks it)."""
    with socket.socket() as s:
        s.bind((address, 0))
        return s.getsockname()[1]


class NodeError(Exception):
    pass


class Node:
    """One ringdb process. Use as a context manager, or call start() and stop()."""

    def __init__(self, address="127.0.0.1", port=None, extra_config=None, name="node"):
        self.address = address
        self.port = port or free_port(address)
        self.storage_port = free_port(address)
        self.extra_config = extra_config or []
        self.dir = tempfile.mkdtemp(prefix="ringdb_%s_" % name,
                                    dir=os.environ.get("TMPDIR", "/tmp"))
        self.config_path = os.path.join(self.dir, "ringdb.yaml")
        self.log_path = os.path.join(self.dir, "ringdb.log")
        self.proc = None
        self.failed = False

    def _write_config(self):
        d = self.dir
        lines = [
            "cluster_name: 'Test Cluster'",
            "num_tokens: 16",
            "seed_provider:",
            "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
            "    parameters:",
            '      - seeds: "%s:%d"' % (self.address, self.storage_port),
            "listen_address: %s" % self.address,
            "rpc_address: %s" % self.address,
            "native_transport_port: %d" % self.port,
            "storage_port: %d" % self.storage_port,
            "data_file_directories:",
            "  - %s/data" % d,
            "commitlog_directory: %s/commitlog" % d,
            "hints_directory: %s/hints" % d,
            "saved_caches_directory: %s/saved_caches" % d,
            "endpoint_snitch: SimpleSnitch",
        ] + list(self.extra_config)
        with open(self.config_path, "w") as f:
            f.write("\n".join(lines) + "\n")

    def log_text(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def _log_since(self, offset):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(offset)
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def start(self, timeout_s=START_TIMEOUT_S):
        """Starts the process and waits for this start's listening line (a restart appends to
        the same log, so only what was logged after this call counts)."""
        self._write_config()
        try:
            log_start = os.path.getsize(self.log_path)
        except OSError:
            log_start = 0
        log = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen([binary(), "-f", "--config", self.config_path],
                                         stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        finally:
            log.close()
        want = "cql server listening address=%s port=%d" % (self.address, self.port)
        deadline = time.monotonic() + timeout_s
        while want not in self._log_since(log_start):
            if self.proc.poll() is not None:
                self.failed = True
                raise NodeError("ringdb exited (code %d) before listening; log: %s"
                                % (self.proc.returncode, self.log_path))
            if time.monotonic() > deadline:
                self.failed = True
                raise NodeError("no '%s' after %d s; log: %s" % (want, timeout_s, self.log_path))
            time.sleep(0.02)
        return self

    def errors_in_log(self):
        """ERROR lines and assertion failures the node logged (none expected in a good run)."""
        return [l for l in self.log_text().splitlines()
                if re.search(r" ERROR |assert|AddressSanitizer|LeakSanitizer|runtime error:", l)]

    def stop(self, timeout_s=STOP_TIMEOUT_S):
        """SIGTERM, SIGKILL after the deadline; returns the exit code (0 = clean stop)."""
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self.failed = True
            return -signal.SIGKILL

    def cleanup(self):
        """Removes the dir of a passing run; keeps it (and says where) otherwise."""
        if self.failed:
            sys.stderr.write("ringdb logs kept in %s (log: %s)\n" % (self.dir, self.log_path))
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def check_stop(self):
        """Stops the node; raises if it did not stop cleanly or logged errors."""
        rc = self.stop()
        errs = self.errors_in_log()
        if rc != 0 or errs:
            self.failed = True
            raise NodeError("ringdb exit code %s, %d error lines (first: %s); log: %s"
                            % (rc, len(errs), errs[:1], self.log_path))

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            self.cleanup()
            raise

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.failed = True
        try:
            if exc_type is None:
                self.check_stop()
            else:
                self.stop()
        finally:
            self.cleanup()
        return False


class NodeTestCase(unittest.TestCase):
    """A test class sharing one node across its tests (started in setUpClass), with the
    config lines of `extra_config` added to its config."""

    node = None
    extra_config = None

    @classmethod
    def setUpClass(cls):
        cls.node = Node(extra_config=cls.extra_config, name=cls.__name__).start()

    @classmethod
    def tearDownClass(cls):
        node = cls.node
        cls.node = None
        if node is None:
            return
        try:
            node.check_stop()
        finally:
            node.cleanup()

    def run(self, result=None):
        # A failing test keeps the node's dir for the post-mortem.
        result = super().run(result)
        if result is not None and (result.failures or result.errors) and self.node:
            self.node.failed = True
        return result


class DriverLogCapture(logging.Handler):
    """Collects the driver's log records at WARNING and above (the tests want none)."""

    def __init__(self, logger_name="cassandra"):
        super().__init__(level=logging.WARNING)
        self.records = []
        self.logger = logging.getLogger(logger_name)

    def emit(self, record):
        self.records.append(record)

    def messages(self):
        return ["%s: %s" % (r.levelname, r.getMessage()) for r in self.records]

    def __enter__(self):
        self.logger.addHandler(self)
        if self.logger.getEffectiveLevel() > logging.WARNING or self.logger.level == 0:
            self.logger.setLevel(logging.WARNING)
        return self

    def __exit__(self, *exc):
        self.logger.removeHandler(self)
        return False


def cluster(node, **kw):
    """A Cluster for `node` the way an application should build one against Cassandra 4.1:
    protocol v4, an explicit token-aware load-balancing policy with the local DC."""
    from cassandra.cluster import Cluster, ExecutionProfile, EXEC_PROFILE_DEFAULT
    from cassandra.policies import DCAwareRoundRobinPolicy, TokenAwarePolicy
    profile_kw = dict(kw.pop("profile", {}))
    profile_kw.setdefault("request_timeout", 30)
    profile = ExecutionProfile(
        load_balancing_policy=TokenAwarePolicy(DCAwareRoundRobinPolicy(local_dc=DC)),
        **profile_kw)
    kw.setdefault("protocol_version", 4)
    # Generous timeouts: the suite also runs under ASan on a loaded 2-core machine (the
    # driver's defaults are 2 s for the control connection's queries and 5 s to connect).
    kw.setdefault("control_connection_timeout", 15)
    kw.setdefault("connect_timeout", 15)
    return Cluster([node.address], port=node.port,
                   execution_profiles={EXEC_PROFILE_DEFAULT: profile}, **kw)


def require_driver():
    """Exits 77 (ctest's skip) when python3-cassandra is not installed."""
    try:
        import cassandra  # noqa: F401
    except ImportError:
        print("python3-cassandra not installed: skipped")
        sys.exit(77)


def main():
    """unittest.main() after taking `--ringdb PATH` off sys.argv."""
    global _binary
    argv = list(sys.argv)
    if "--ringdb" in argv:
        i = argv.index("--ringdb")
        _binary = argv[i + 1]
        del argv[i:i + 2]
    if not os.access(_binary, os.X_OK):
        sys.stderr.write("ringdb binary not found: %s\n" % _binary)
        sys.exit(2)
    unittest.main(argv=argv, verbosity=2)
