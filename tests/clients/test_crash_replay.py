"""Replay ends with a flush, so a second crash replays nothing (Cassandra flushes the replayed
tables and recycles the segments at the end of CommitLogReplayer).

The Python driver writes rows to a real ringdb (periodic sync, memtables large enough that
nothing flushes), the node is killed with SIGKILL and restarted: the restart must replay the
writes (its "commit log replayed applied=N" line) and then flush them in the background, after
which the commit-log segments of the first run are deleted. The node is killed again without
any new write and restarted: this restart must read and apply no record ("replayed ...
records=0" from the commit log, "applied=0" from the store), and every row must still read back
with its value.

Bounded: each wait has a deadline; only the node this test started is signalled.

Usage: /usr/bin/python3 test_crash_replay.py [--ringdb PATH] [-k pattern]
"""
import os
import re
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ringdb_harness as rh  # noqa: E402

ROWS = 3000
FLUSH_DEADLINE_S = 60


def value_of(i):
    return "value-%d-%d" % (i, i * 7919 % 1000)


class CrashReplayTest(unittest.TestCase):
    def test_second_crash_replays_nothing(self):
        node = rh.Node(name="CrashReplayTest",
                       extra_config=["commitlog_sync: periodic", "commitlog_sync_period: 10s",
                                     "memtable_heap_space: 512MiB"])
        node.start()
        try:
            self._write(node)
            first_segments = self._segments(node)
            self.assertTrue(first_segments, "the writes left no commit-log segment")
            self._kill(node)

            offset = len(node.log_text())
            node.start()
            replay = node.log_text()[offset:]
            self.assertGreaterEqual(self._applied(replay), ROWS, replay)  # + schema writes
            self._wait_segments_gone(node, first_segments)
            self._check_rows(node)

            self._kill(node)
            offset = len(node.log_text())
            node.start()
            replay = node.log_text()[offset:]
            self.assertRegex(replay, r"commitlog replayed dir=\S+ segments=\d+ records=0\b")
            self.assertEqual(self._applied(replay), 0, replay)
            self._check_rows(node)
            node.check_stop()
        except BaseException:
            node.failed = True
            node.stop()
            raise
        finally:
            node.cleanup()

    def _write(self, node):
        with rh.cluster(node) as c:
            s = c.connect()
            s.execute("CREATE KEYSPACE replay WITH replication = "
                      "{'class': 'SimpleStrategy', 'replication_factor': 1}")
            s.execute("CREATE TABLE replay.kv (k int PRIMARY KEY, v text)")
            insert = s.prepare("INSERT INTO replay.kv (k, v) VALUES (?, ?)")
            for i in range(ROWS):
                s.execute(insert, (i, value_of(i)))

    def _kill(self, node):
        node.proc.kill()
        node.proc.wait()

    def _segments(self, node):
        d = os.path.join(node.dir, "commitlog")
        return {n for n in os.listdir(d) if n.endswith(".log")}

    def _applied(self, log):
        m = re.search(r"commit log replayed applied=(\d+) ", log)
        self.assertIsNotNone(m, "no replay line in: " + log)
        return int(m.group(1))

    def _wait_segments_gone(self, node, old):
        """The flush that ends replay runs in the background; the old segments go after it."""
        deadline = time.monotonic() + FLUSH_DEADLINE_S
        while old & self._segments(node):
            if time.monotonic() > deadline:
                self.fail("segments %s still there %d s after the restart"
                          % (sorted(old & self._segments(node)), FLUSH_DEADLINE_S))
            time.sleep(0.05)

    def _check_rows(self, node):
        with rh.cluster(node) as c:
            s = c.connect()
            got = {row.k: row.v for row in s.execute("SELECT k, v FROM replay.kv")}
            self.assertEqual(len(got), ROWS)
            for i in range(ROWS):
                self.assertEqual(got.get(i), value_of(i), "row %d" % i)


if __name__ == "__main__":
    rh.main()
