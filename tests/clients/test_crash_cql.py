"""Durability through the whole path: the Python driver writes to a real ringdb running
`commitlog_sync: batch`, the node is killed with SIGKILL at a random moment while writes are in
flight, restarted on the same directories, and then every write the driver saw acknowledged
must read back with its value, and no row may hold a value that was never sent.

Each round writes its own keys (round r, writer w, sequence i) with many requests in flight
(execute_async), kills the node after a random delay, and waits for every future to finish
(acknowledged, or failed because the connection died). Writes that failed may or may not have
landed (Cassandra says the same of a timed-out write); they are only checked for a value that
matches what was sent.

Bounded: ROUNDS rounds, each with a deadline; only the node this test started is signalled.

Usage: /usr/bin/python3 test_crash_cql.py [--ringdb PATH] [-k pattern]
"""
import os
import random
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ringdb_harness as rh  # noqa: E402

ROUNDS = int(os.environ.get("RINGDB_CRASH_ROUNDS", "20"))
IN_FLIGHT = 32
MAX_WRITES_PER_ROUND = 20000
ROUND_DEADLINE_S = 60


def value_of(key):
    return "v-%s-%d" % (key, len(key) * 7919 % 1000)


class Writer:
    """Keeps IN_FLIGHT inserts running until stopped; records what was acknowledged."""

    def __init__(self, session, insert, round_no):
        self.session = session
        self.insert = insert
        self.round_no = round_no
        self.lock = threading.Lock()
        self.acked = []
        self.failed = []
        self.sent = 0
        self.outstanding = 0
        self.stopping = False
        self.idle = threading.Condition(self.lock)

    def _next_key(self):
        with self.lock:
            if self.stopping or self.sent >= MAX_WRITES_PER_ROUND:
                return None
            key = "r%d-%d" % (self.round_no, self.sent)
            self.sent += 1
            self.outstanding += 1
            return key

    def _send(self):
        # Never under the lock: a request that fails at once runs its errback right here.
        key = self._next_key()
        if key is None:
            return
        fut = self.session.execute_async(self.insert, (key, value_of(key)))
        fut.add_callbacks(self._done, self._failed, callback_args=(key,), errback_args=(key,))

    def _finish(self, key, ok):
        with self.lock:
            (self.acked if ok else self.failed).append(key)
            self.outstanding -= 1
            if not ok:
                self.stopping = True  # the node is gone: send nothing more
            if self.outstanding == 0:
                self.idle.notify_all()
        if ok:
            self._send()

    def _done(self, _rows, key):
        self._finish(key, True)

    def _failed(self, _exc, key):
        self._finish(key, False)

    def start(self):
        for _ in range(IN_FLIGHT):
            self._send()

    def stop_and_wait(self, timeout_s):
        deadline = time.monotonic() + timeout_s
        with self.lock:
            self.stopping = True
            while self.outstanding > 0:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("%d writes still outstanding after %d s"
                                         % (self.outstanding, timeout_s))
                self.idle.wait(left)


class CrashCqlTest(unittest.TestCase):
    def test_batch_mode_acknowledged_writes_survive_kill9(self):
        self._run(["commitlog_sync: batch"], ROUNDS)

    def test_periodic_mode_acknowledged_writes_survive_kill9(self):
        # periodic acknowledges before fsync: a power loss may lose the last period, but a
        # killed process must not (Cassandra writes into mmap'd segments, which the kernel
        # keeps), so appends must reach the kernel before the acknowledgement.
        self._run(["commitlog_sync: periodic", "commitlog_sync_period: 10s"], max(1, ROUNDS // 4))

    def _run(self, config, rounds):
        rng = random.Random(int(os.environ.get("RINGDB_CRASH_SEED", time.time_ns() % 100000)))
        node = rh.Node(name="CrashCqlTest", extra_config=config)
        node.start()
        total_acked = total_failed = 0
        try:
            self._create_schema(node)
            for r in range(rounds):
                acked, failed = self._round(node, r, rng)
                total_acked += acked
                total_failed += failed
            self._check_all(node, rounds)
            node.check_stop()
        except BaseException:
            node.failed = True
            node.stop()
            raise
        finally:
            node.cleanup()
        print("%s: rounds %d, acknowledged %d, failed in flight %d"
              % (config[0], rounds, total_acked, total_failed))
        self.assertGreater(total_acked, rounds, "too few acknowledged writes to mean anything")

    def _create_schema(self, node):
        with rh.cluster(node) as c:
            s = c.connect()
            s.execute("CREATE KEYSPACE crash WITH replication = "
                      "{'class': 'SimpleStrategy', 'replication_factor': 1}")
            s.execute("CREATE TABLE crash.kv (k text PRIMARY KEY, v text)")

    def _round(self, node, r, rng):
        with rh.cluster(node) as c:
            s = c.connect()
            w = Writer(s, s.prepare("INSERT INTO crash.kv (k, v) VALUES (?, ?)"), r)
            w.start()
            deadline = time.monotonic() + 5
            # Kill once some writes were acknowledged, after a random extra delay.
            while not w.acked and time.monotonic() < deadline:
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.3))
            node.proc.kill()
            node.proc.wait()
            w.stop_and_wait(ROUND_DEADLINE_S)
        self.assertTrue(w.acked, "round %d: no write was acknowledged" % r)
        node.start()
        self._check_round(node, w)
        return len(w.acked), len(w.failed)

    def _check_round(self, node, w):
        with rh.cluster(node) as c:
            s = c.connect()
            get = s.prepare("SELECT v FROM crash.kv WHERE k = ?")
            for key in w.acked:
                row = s.execute(get, (key,)).one()
                self.assertIsNotNone(row, "acknowledged write %s lost" % key)
                self.assertEqual(row.v, value_of(key))
            for key in w.failed:
                row = s.execute(get, (key,)).one()
                if row is not None:
                    self.assertEqual(row.v, value_of(key))

    def _check_all(self, node, rounds):
        """Nothing unwritten appears: every row is one this test sent, with its value."""
        with rh.cluster(node) as c:
            s = c.connect()
            n = 0
            for row in s.execute("SELECT k, v FROM crash.kv"):
                n += 1
                head, _, seq = row.k.partition("-")
                self.assertTrue(head.startswith("r") and int(head[1:]) < rounds and
                                int(seq) < MAX_WRITES_PER_ROUND, "unexpected key %r" % row.k)
                self.assertEqual(row.v, value_of(row.k))
            self.assertGreater(n, 0)


if __name__ == "__main__":
    rh.main()
