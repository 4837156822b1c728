#!/usr/bin/python3
"""
ringsh (node/tools/ringsh, the cqlsh-compatible shell) against a real ringdb started by
ringdb_harness, checking what a cqlsh 6.1 user sees, byte for byte:

  - -e with a SELECT prints cqlsh's table (values of every common type formatted as cqlsh);
  - -f with a failing statement prints cqlsh's error line (FILE:LINE:InvalidRequest: ...) and
    exits 2; a syntax error prints SyntaxException: ...;
  - EXPAND ON prints "@ Row N" blocks; CONSISTENCY and SERIAL CONSISTENCY show and set levels;
  - an interactive session on a pseudo-terminal: banner, prompt cqlsh> then cqlsh:ks> after
    USE, continuation lines, PAGING with ---MORE---, EXIT (every read has a deadline);
  - DESCRIBE KEYSPACE output replays: drop the keyspace, run the output with -f, describe
    again, same text;
  - PasswordAuthenticator without credentials: cqlsh's "Connection error: ..." and exit 1.

Usage: test_ringsh.py [--ringdb path/to/ringdb]. Exit 77 (skip) without python3-cassandra.
"""
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ringdb_harness  # noqa: E402

ringdb_harness.require_driver()

RINGSH = os.environ.get("RINGSH") or os.path.join(ringdb_harness.REPO, "node", "tools", "ringsh")
RUN_TIMEOUT_S = 90
PTY_TIMEOUT_S = 60

SCHEMA = """
CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};
CREATE TYPE ks.addr (street text, zip int);
CREATE TABLE ks.t (k int PRIMARY KEY, v text, f float, d double, b boolean, bl blob,
    ts timestamp, u uuid, dt date, tm time, du duration, l list<text>, s set<int>,
    m map<text, int>, a frozen<addr>, tu frozen<tuple<int, text>>);
INSERT INTO ks.t (k, v, f, d, b, bl, ts, u, dt, tm, du, l, s, m, a, tu) VALUES (1, 'it''s',
    1.25, 3.14159265358979, true, 0xcafe, '2024-01-02 03:04:05.678+0000',
    123e4567-e89b-12d3-a456-426614174000, '2024-01-02', '03:04:05.000000006', 1h30m,
    ['x', 'y''z'], {3, 1}, {'b': 2, 'a': 1}, {street: 'Main', zip: 12345}, (7, 'q'));
INSERT INTO ks.t (k) VALUES (2);
CREATE TABLE ks.c (p int, c int, v text, PRIMARY KEY (p, c));
INSERT INTO ks.c (p, c, v) VALUES (1, 1, 'one');
INSERT INTO ks.c (p, c, v) VALUES (1, 2, 'two');
INSERT INTO ks.c (p, c, v) VALUES (1, 3, 'three');
"""


class ShellCase(ringdb_harness.NodeTestCase):
    """A node per class, and a HOME of its own for ringsh's history file."""

    @classmethod
    def setUpClass(cls):
        cls.home = tempfile.mkdtemp(prefix="ringsh_home_")
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.home, ignore_errors=True)
        super().tearDownClass()

    def argv(self, *args):
        return [RINGSH, self.node.address, str(self.node.port), "--connect-timeout", "15",
                "--request-timeout", "30"] + list(args)

    def env(self):
        env = dict(os.environ, HOME=self.home, TERM="dumb")
        env.pop("CQLSH_HOST", None)
        env.pop("CQLSH_PORT", None)
        return env

    def ringsh(self, *args, stdin=""):
        """(exit code, stdout, stderr) of one ringsh run (stdin a pipe: not a terminal)."""
        p = subprocess.run(self.argv(*args), input=stdin, capture_output=True, text=True,
                           timeout=RUN_TIMEOUT_S, env=self.env())
        return p.returncode, p.stdout, p.stderr

    def ok(self, *args):
        rc, out, err = self.ringsh(*args)
        self.assertEqual((rc, err), (0, ""), out)
        return out


class RingshTest(ShellCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        path = os.path.join(cls.home, "schema.cql")
        with open(path, "w") as f:
            f.write(SCHEMA)
        p = subprocess.run([RINGSH, cls.node.address, str(cls.node.port), "--request-timeout",
                            "30", "--connect-timeout", "15", "-f", path],
                           capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
        if p.returncode != 0:
            raise AssertionError("schema: %r %r" % (p.stdout, p.stderr))

    def test_execute_select_prints_cqlsh_table(self):
        out = self.ok("-e", "SELECT k, v, f, d, b, bl, u FROM ks.t")
        self.assertEqual(out, "\n"
            " k | v    | f    | d       | b    | bl     | u\n"
            "---+------+------+---------+------+--------+--------------------------------------\n"
            " 1 | it's | 1.25 | 3.14159 | True | 0xcafe | 123e4567-e89b-12d3-a456-426614174000\n"
            " 2 | null | null |    null | null |   null |                                 null\n"
            "\n(2 rows)\n")

    def test_values_formatted_as_cqlsh(self):
        out = self.ok("-e", "SELECT ts, dt, tm, du, l, s, m, a, tu FROM ks.t WHERE k = 1")
        self.assertEqual(out.split("\n")[3].split(" | "), [
            " 2024-01-02 03:04:05.678000+0000", "2024-01-02", "03:04:05.000000006", "1h30m",
            "['x', 'y''z']", "{1, 3}", "{'a': 1, 'b': 2}", "{street: 'Main', zip: 12345}",
            "(7, 'q')"])

    def test_empty_result_prints_header_only(self):
        out = self.ok("-e", "SELECT p, c FROM ks.c WHERE p = 99")
        self.assertEqual(out, "\n p | c\n---+---\n\n\n(0 rows)\n")

    def test_file_error_prints_cqlsh_line_and_exits_2(self):
        path = os.path.join(self.home, "bad.cql")
        with open(path, "w") as f:
            f.write("SELECT v FROM ks.c WHERE p = 1 AND c = 1;\nSELECT * FROM ks.nosuch;\n"
                    "SELECT v FROM ks.c WHERE p = 1 AND c = 2;\n")
        rc, out, err = self.ringsh("-f", path)
        self.assertEqual(rc, 2)
        # cqlsh counts the line after the statement (its line counter is ahead by one).
        self.assertEqual(err, '%s:3:InvalidRequest: Error from server: code=2200 '
                         '[Invalid query] message="table nosuch does not exist"\n' % path)
        self.assertEqual(out, "\n v\n-----\n one\n\n(1 rows)\n\n v\n-----\n two\n\n(1 rows)\n")

    def test_execute_syntax_error(self):
        rc, out, err = self.ringsh("-e", "SELEC 1")
        self.assertEqual((rc, out), (2, ""))
        self.assertTrue(err.startswith("<stdin>:1:SyntaxException: line 1:0 "), err)

    def test_expand_prints_rows_vertically(self):
        out = self.ok("-e", "EXPAND ON; SELECT c, v FROM ks.c WHERE p = 1 AND c < 3; EXPAND")
        self.assertEqual(out, "Now Expanded output is enabled\n\n"
                              "@ Row 1\n---+-----\n c | 1\n v | one\n\n"
                              "@ Row 2\n---+-----\n c | 2\n v | two\n\n\n(2 rows)\n"
                              "Expanded output is currently enabled. Use EXPAND OFF to disable\n")

    def test_consistency_shows_and_sets(self):
        out = self.ok("-e", "CONSISTENCY; CONSISTENCY all; CONSISTENCY; "
                            "SELECT v FROM ks.c WHERE p = 1 AND c = 3; SERIAL CONSISTENCY; "
                            "SERIAL CONSISTENCY LOCAL_SERIAL; SERIAL CONSISTENCY")
        self.assertEqual(out, "Current consistency level is ONE.\n"
                              "Consistency level set to ALL.\n"
                              "Current consistency level is ALL.\n"
                              "\n v\n-------\n three\n\n(1 rows)\n"
                              "Current serial consistency level is SERIAL.\n"
                              "Serial consistency level set to LOCAL_SERIAL.\n"
                              "Current serial consistency level is LOCAL_SERIAL.\n")
        rc, out, err = self.ringsh("-e", "CONSISTENCY MOST")
        self.assertEqual((rc, out, err), (2, "", "<stdin>:1:Improper CONSISTENCY command.\n"))

    def test_tracing_is_refused(self):
        rc, out, err = self.ringsh("-e", "TRACING ON")
        self.assertEqual((rc, err), (2, "<stdin>:1:Tracing is not supported by ringdb yet.\n"))

    def test_describe_keyspace_replays(self):
        self.ok("-e", "CREATE KEYSPACE replay WITH replication = {'class': 'SimpleStrategy', "
                      "'replication_factor': 1}; CREATE TYPE replay.pt (x int, y int); "
                      "CREATE TABLE replay.r (a int, b text, p frozen<pt>, PRIMARY KEY (a, b)) "
                      "WITH CLUSTERING ORDER BY (b DESC) AND comment = 'hi'")
        first = self.ok("-e", "DESCRIBE KEYSPACE replay")
        self.assertTrue(first.startswith("\nCREATE KEYSPACE replay WITH replication = "), first)
        self.assertIn("\nCREATE TYPE replay.pt (", first)
        self.assertIn("\nCREATE TABLE replay.r (", first)
        path = os.path.join(self.home, "replay.cql")
        with open(path, "w") as f:
            f.write(first)
        self.ok("-e", "DROP KEYSPACE replay")
        self.assertEqual(self.ok("-f", path), "")
        self.assertEqual(self.ok("-e", "DESC KEYSPACE replay"), first)

    def test_describe_lists_and_errors(self):
        out = self.ok("-e", "USE ks; DESCRIBE TABLES; DESCRIBE TYPES")
        self.assertEqual(out, "\nc  t\n\n\naddr\n\n")
        rc, out, err = self.ringsh("-e", "DESCRIBE TABLE ks.nosuch")
        self.assertEqual((rc, err), (2, "<stdin>:1:Table 'nosuch' not found in keyspace 'ks'\n"))

    def test_interactive_session_on_a_terminal(self):
        s = PtySession(self.argv(), self.env())
        try:
            banner = s.expect("cqlsh> ")
            self.assertIn("Connected to Test Cluster at %s:%d\r\n" % (self.node.address,
                                                                    self.node.port), banner)
            self.assertRegex(banner, r"\[cqlsh 6\.1\.0 \| Cassandra [0-9.]+ \| CQL spec "
                                     r"3\.[0-9.]+ \| Native protocol v4\]\r\nUse HELP for help\.")
            s.send("USE ks;\n")
            s.expect("cqlsh:ks> ")
            s.send("SELECT v FROM c\n")
            s.expect("      ... ")  # continuation: as wide as "cqlsh:ks> "
            s.send("WHERE p = 1 AND c = 9;\n")
            self.assertIn("(0 rows)", s.expect("cqlsh:ks> "))
            s.send("SELECT * FROM nosuch;\n")
            self.assertIn('InvalidRequest: Error from server: code=2200 [Invalid query] '
                          'message="table nosuch does not exist"', s.expect("cqlsh:ks> "))
            s.send("PAGING 2\n")
            self.assertIn("Page size: 2", s.expect("cqlsh:ks> "))
            s.send("SELECT c FROM c WHERE p = 1;\n")
            page1 = s.expect("---MORE---")
            self.assertIn(" c\r\n---\r\n 1\r\n 2\r\n", page1)
            s.send("\n")
            tail = s.expect("cqlsh:ks> ")
            self.assertIn(" 3\r\n\r\n(3 rows)", tail)
            s.send("EXIT\n")
            self.assertEqual(s.wait(), 0)
        finally:
            s.close()
        with open(os.path.join(self.home, ".ringsh_history")) as f:
            self.assertIn("USE ks;", f.read())


class RingshAuthTest(ShellCase):
    extra_config = ["authenticator: PasswordAuthenticator"]

    def test_no_credentials_gives_cqlsh_connection_error(self):
        rc, out, err = self.ringsh("-e", "SELECT * FROM system.local")
        self.assertEqual((rc, out), (1, ""))
        self.assertEqual(err, "Connection error: ('Unable to connect to any servers', "
                              "{'%s:%d': AuthenticationFailed('Remote end requires "
                              "authentication')})\n" % (self.node.address, self.node.port))

    def test_login_with_credentials(self):
        out = self.ok("-u", "cassandra", "-p", "cassandra", "-e",
                      "SELECT role FROM system_auth.roles")
        self.assertEqual(out, "\n role\n-----------\n cassandra\n\n(1 rows)\n")


class PtySession:
    """ringsh on a pseudo-terminal, as a user at a terminal runs it; every read has a deadline."""

    def __init__(self, argv, env):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.seen = ""

    def send(self, text):
        os.write(self.fd, text.encode())

    def expect(self, marker, timeout_s=PTY_TIMEOUT_S):
        """Output up to and including marker (what came before it since the last expect)."""
        deadline = time.monotonic() + timeout_s
        while marker not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no %r within %d s; output: %r" % (marker, timeout_s,
                                                                         self.seen))
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise AssertionError("ringsh ended before %r; output: %r" % (marker,
                                                                                 self.seen))
                self.seen += chunk.decode(errors="replace")
        i = self.seen.index(marker) + len(marker)
        out, self.seen = self.seen[:i], self.seen[i:]
        return out

    def wait(self, timeout_s=PTY_TIMEOUT_S):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                if select.select([self.fd], [], [], 0.05)[0]:
                    os.read(self.fd, 4096)
            except OSError:
                pass
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.pid = None
                return os.waitstatus_to_exitcode(status)
        raise AssertionError("ringsh still running after EXIT")

    def close(self):
        if self.pid:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = None
        os.close(self.fd)


if __name__ == "__main__":
    ringdb_harness.main()
