"""Approval tests (Scylla-style): each tests/approval/NAME.cql runs statement by statement against
a fresh ringdb node through the Python driver; the output, formatted the way cqlsh prints it,
must equal NAME.result byte for byte. `--update` rewrites the .result files from this run (then
review the diff: an expected output is what Cassandra 4.1 prints, not what ringdb happens to say).

Usage: /usr/bin/python3 tests/approval/run.py [--ringdb PATH] [--update] [NAME ...]

Output format, per statement (the file's own comments and blank lines are not echoed):
  > STATEMENT;                       the statement as written (each line prefixed "> ")
  then one of:
  OK                                 no rows (DDL, DML, USE)
  <cqlsh table>                      rows, as cqlsh prints them (non-interactive, every page):
                                     a blank line, the header (names left-aligned), a dashed
                                     line, the values right-aligned, a blank line, "(N rows)"
  Error: code=2200 [Invalid query] message="..."
                                     a server error: the code in hex, the protocol's summary
                                     for that code, and the server's message verbatim
  Trailing spaces are stripped from every line.
Values are formatted as cqlsh 4.1 does with its defaults: null, text bare at top level and
quoted inside collections, True/False, float and double with 5 significant digits,
timestamps 2024-01-02 03:04:05.678000+0000, blobs 0x.., sets and maps sorted, UDTs {f: v}.
DESCRIBE results print like cqlsh prints them: each create_statement verbatim (element
forms), or the names (listing forms) as a table.

Directives (comment lines starting "-- @", apply to the next statement):
  -- @columns        print only the result's column names and types, and the row count
                     (for tables whose values change from run to run: system.local)
  -- @mask c1 c2     print <masked> for these columns' non-null values
  -- @gap NOTE       a known difference from Cassandra 4.1 (listed in docs/compat.md): the
                     .result keeps what Cassandra prints; a differing output for this
                     statement is reported as a known gap instead of a failure, and a
                     matching one as "gap closed" (then drop the directive)
"""
import difflib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "clients"))
import ringdb_harness as rh  # noqa: E402
# The cqlsh formatting is the shell's own (node/tools/ringsh_format.py), so these tests check
# the code ringsh runs.
sys.path.insert(0, os.path.join(rh.REPO, "node", "tools"))
import ringsh_format as fmt  # noqa: E402

from cassandra import protocol  # noqa: E402
from cassandra.query import SimpleStatement  # noqa: E402


def split_statements(text):
    """[(directives, statement text without the final ';')] from a .cql script."""
    stmts, rest = fmt.split_statements(text)
    if rest:
        raise ValueError("statement without a final ';': %r" % rest.strip()[:80])
    return stmts


# ---------------------------------------------------------------- errors

def _keep_server_error():
    """The driver turns some ERROR messages into exceptions with its own text (AlreadyExists);
    keep the code, summary and server message on every exception it makes from one."""
    classes = {protocol.ErrorMessage} | set(protocol.error_classes.values())
    for cls in classes:
        orig = cls.__dict__.get("to_exception")
        if orig is None:
            continue

        def wrapped(self, _orig=orig):
            exc = _orig(self)
            try:
                exc.ringdb_error = (self.code, self.summary, self.message)
            except AttributeError:
                pass
            return exc
        cls.to_exception = wrapped


def fmt_error(exc):
    info = getattr(exc, "ringdb_error", None)
    if info is None and isinstance(exc, protocol.ErrorMessage):
        info = (exc.code, exc.summary, exc.message)
    if info is None:
        # Not a server error (a driver-side failure): name it, one line.
        return ["Error: driver %s: %s" % (type(exc).__name__, str(exc).splitlines()[0])]
    return ['Error: code=%04x [%s] message="%s"' % info]


# ---------------------------------------------------------------- running

def run_statement(session, directives, stmt):
    out = ["> " + line for line in stmt.rstrip().split("\n")]
    out[-1] += ";"
    opts = {d[0]: d[1:] for d in directives}
    try:
        rs = session.execute(SimpleStatement(stmt, fetch_size=fmt.PAGE_SIZE), timeout=30)
    except Exception as e:  # noqa: BLE001 - every error is part of the output
        return out + fmt_error(e)
    names = list(rs.column_names or [])
    types = list(rs.column_types or [])
    if not names:
        return out + ["OK"]
    rows = list(rs)  # every page
    if "columns" in opts:
        return out + ["columns: " + ", ".join(
            "%s %s" % (n, fmt.base_type(t).cql_parameterized_type())
            for n, t in zip(names, types)),
            "(%d rows)" % len(rows)]
    if fmt.is_describe(stmt) and "create_statement" in names:
        # cqlsh prints each create_statement after a blank line; the .result files also keep
        # a blank line after the last one.
        return out + fmt.describe_lines("", names, rows, None) + [""]
    return out + fmt.result_lines(names, types, rows, set(opts.get("mask", [])))


def run_file(path):
    """[(directives, output lines)] per statement, and the node's failure (None if it stopped
    cleanly with no errors logged)."""
    with open(path) as f:
        stmts = split_statements(f.read())
    blocks = []
    node = rh.Node(name="approval_" + os.path.basename(path)[:-4])
    try:
        _run_statements(node, stmts, blocks)
    except rh.NodeError as e:
        return blocks, str(e)
    return blocks, None


def _run_statements(node, stmts, blocks):
    with node:
        from cassandra.cluster import Cluster, ExecutionProfile, EXEC_PROFILE_DEFAULT
        from cassandra.policies import WhiteListRoundRobinPolicy
        from cassandra import ConsistencyLevel
        profile = ExecutionProfile(
            load_balancing_policy=WhiteListRoundRobinPolicy([node.address]),
            consistency_level=ConsistencyLevel.ONE, request_timeout=30)
        cluster = Cluster([node.address], port=node.port, protocol_version=4,
                          execution_profiles={EXEC_PROFILE_DEFAULT: profile},
                          control_connection_timeout=15, connect_timeout=15)
        try:
            session = cluster.connect()
            for directives, stmt in stmts:
                block = run_statement(session, directives, stmt)
                blocks.append((directives, [l.rstrip() for l in block]))
        finally:
            cluster.shutdown()


def split_blocks(text):
    """The per-statement blocks of a .result: each starts at its "> " echo lines."""
    blocks, cur = [], None
    prev_echo = False
    for line in text.splitlines():
        echo = line.startswith("> ")
        if echo and not prev_echo:
            cur = []
            blocks.append(cur)
        if cur is not None:
            cur.append(line)
        prev_echo = echo
    return blocks


def join_blocks(blocks):
    return "".join(l + "\n" for b in blocks for l in b)


def compare(name, got, want_text):
    """(ok, report lines, text for --update). Statements marked @gap may differ."""
    want = split_blocks(want_text)
    report, new_blocks, ok = [], [], True
    for i, (directives, block) in enumerate(got):
        gap = next((d for d in directives if d[:1] == ["gap"]), None)
        expected = want[i] if i < len(want) else None
        if gap is not None and expected is not None:
            new_blocks.append(expected)  # the hand-kept Cassandra output
            if expected == block:
                report.append("gap closed in %s (statement %d): drop its @gap" % (name, i + 1))
            else:
                report.append("known gap in %s (statement %d): %s" % (name, i + 1,
                                                                      " ".join(gap[1:])))
                report.extend("    " + l for l in difflib.unified_diff(
                    expected, block, "Cassandra 4.1", "ringdb", lineterm="", n=0))
            continue
        new_blocks.append(block)
        if expected != block:
            ok = False
    if len(want) != len(got):
        ok = False
    if not ok:
        report.extend(difflib.unified_diff(
            want_text.splitlines(), join_blocks(new_blocks).splitlines(),
            name + ".result", name + " (this run)", lineterm=""))
    return ok, report, join_blocks(new_blocks)


def main():
    argv = sys.argv[1:]
    update = "--update" in argv
    argv = [a for a in argv if a != "--update"]
    if "--ringdb" in argv:
        i = argv.index("--ringdb")
        rh._binary = argv[i + 1]
        del argv[i:i + 2]
    names = argv or sorted(f[:-4] for f in os.listdir(HERE) if f.endswith(".cql"))
    _keep_server_error()
    failed = []
    for name in names:
        cql = os.path.join(HERE, name + ".cql")
        expected_path = os.path.join(HERE, name + ".result")
        try:
            got, node_error = run_file(cql)
        except Exception as e:  # noqa: BLE001
            print("FAIL %s: %s: %s" % (name, type(e).__name__, e))
            failed.append(name)
            continue
        try:
            with open(expected_path) as f:
                want = f.read()
        except OSError:
            want = ""
        ok, report, text = compare(name, got, want)
        if update:
            with open(expected_path, "w") as f:
                f.write(text)
            print("updated %s" % expected_path)
        for line in report:
            print(line)
        if node_error:
            print("FAIL %s: %s" % (name, node_error))
            failed.append(name)
        elif update:
            continue
        elif ok:
            print("PASS %s" % name)
        else:
            failed.append(name)
            print("FAIL %s: output differs from %s.result" % (name, name))
    print("%d passed, %d failed" % (len(names) - len(failed), len(failed)))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
