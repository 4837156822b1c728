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
import datetime
import difflib
import math
import os
import re
import sys
import uuid
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "clients"))
import ringdb_harness as rh  # noqa: E402

from cassandra import cqltypes  # noqa: E402
from cassandra import protocol  # noqa: E402
from cassandra.query import SimpleStatement  # noqa: E402
from cassandra.util import Date, Duration, Time  # noqa: E402

PAGE_SIZE = 100  # cqlsh's page size
FLOAT_PRECISION = 5  # cqlsh's default for float and double


# ---------------------------------------------------------------- statement splitting

def split_statements(text):
    """[(directives, statement text without the final ';')] from a .cql script. Splits on ';'
    outside quotes, comments and BEGIN BATCH ... APPLY BATCH."""
    out, buf, directives = [], [], []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        two = text[i:i + 2]
        if two in ("--", "//"):
            j = text.find("\n", i)
            j = n if j < 0 else j
            line = text[i:j]
            if line.startswith("-- @") and not "".join(buf).strip():
                directives.append(line[4:].split())
            elif "".join(buf).strip():
                buf.append(line)  # a comment inside a statement is kept (echoed as written)
            i = j
            continue
        if two == "/*":
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            if "".join(buf).strip():
                buf.append(text[i:j])
            i = j
            continue
        if c in "'\"":
            j = i + 1
            while j < n:
                if text[j] == c:
                    if j + 1 < n and text[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            buf.append(text[i:j + 1])
            i = j + 1
            continue
        if two == "$$":
            j = text.find("$$", i + 2)
            j = n if j < 0 else j + 2
            buf.append(text[i:j])
            i = j
            continue
        if c == ";":
            stmt = "".join(buf).strip()
            words = stmt.upper().split()
            in_batch = words[:1] == ["BEGIN"] and words[-2:] != ["APPLY", "BATCH"]
            if in_batch:
                buf.append(c)
                i += 1
                continue
            if stmt:
                out.append((directives, stmt))
            buf, directives = [], []
            i += 1
            continue
        buf.append(c)
        i += 1
    if "".join(buf).strip():
        raise ValueError("statement without a final ';': %r" % "".join(buf).strip()[:80])
    return out


# ---------------------------------------------------------------- value formatting (cqlsh)

def _escape_controls(s):
    # cqlsh shows control characters (and 0x7f..0xa0) the way Python's repr does.
    return re.sub(r"[\x00-\x1f\x7f-\xa0]", lambda m: repr(m.group(0))[1:-1], s)


def fmt_text(s, quote):
    s = s.replace("\\", "\\\\")
    if quote:
        s = s.replace("'", "''")
    s = _escape_controls(s)
    return "'%s'" % s if quote else s


def fmt_float(v, precision=FLOAT_PRECISION):
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    exponent = int(math.log10(abs(v))) if abs(v) > sys.float_info.epsilon else -sys.maxsize - 1
    if -4 <= exponent < precision:
        precision = precision + exponent + 1
    return "%.*g" % (precision, v)


def fmt_timestamp(v):
    if isinstance(v, datetime.datetime):
        try:
            return v.strftime("%Y-%m-%d %H:%M:%S.%f") + "+0000"
        except ValueError:
            pass
    return str(v)


def fmt_duration(d):
    out = "-" if d.months < 0 or d.days < 0 or d.nanoseconds < 0 else ""

    def take(value, unit_size, unit):
        nonlocal out
        if value == 0 or value < unit_size:
            return value
        out += "%d%s" % (value // unit_size, unit)
        return value % unit_size
    rest = take(abs(d.months), 12, "y")
    take(rest, 1, "mo")
    take(abs(d.days), 1, "d")
    if d.nanoseconds:
        rest = abs(d.nanoseconds)
        for size, unit in ((3600 * 10**9, "h"), (60 * 10**9, "m"), (10**9, "s"),
                           (10**6, "ms"), (10**3, "us"), (1, "ns")):
            rest = take(rest, size, unit)
    return out


def _base(t):
    """The driver type without frozen<> / reversed<> wrappers."""
    while t is not None and issubclass(t, (cqltypes.FrozenType, cqltypes.ReversedType)):
        t = t.subtypes[0]
    return t


def fmt_value(v, t, quote=False):
    """v (as the driver returns it) of driver type t, as cqlsh prints it."""
    t = _base(t)
    if v is None:
        return "null"
    if t is not None and issubclass(t, cqltypes.UserType):
        fields = []
        for name, sub, fv in zip(t.fieldnames, t.subtypes, v):
            fields.append("%s: %s" % (fmt_text(name, False),
                                      "null" if fv is None else fmt_value(fv, sub, True)))
        return "{" + ", ".join(fields) + "}"
    if t is not None and issubclass(t, cqltypes.TupleType):
        return "(" + ", ".join(fmt_value(x, s, True) for x, s in zip(v, t.subtypes)) + ")"
    if t is not None and issubclass(t, cqltypes.MapType):
        kt, vt = t.subtypes
        items = sorted(v.items())
        return "{" + ", ".join("%s: %s" % (fmt_value(k, kt, True), fmt_value(x, vt, True))
                               for k, x in items) + "}"
    if t is not None and issubclass(t, cqltypes.SetType):
        return "{" + ", ".join(fmt_value(x, t.subtypes[0], True) for x in sorted(v)) + "}"
    if t is not None and issubclass(t, cqltypes.ListType):
        return "[" + ", ".join(fmt_value(x, t.subtypes[0], True) for x in v) + "]"
    name = t.typename if t is not None else None
    if name == "inet":
        return "'%s'" % v if quote else str(v)
    if name == "timestamp" or isinstance(v, datetime.datetime):
        s = fmt_timestamp(v)
        return "'%s'" % s if quote else s
    if isinstance(v, str):
        return fmt_text(v, quote)
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        return fmt_float(v)
    if isinstance(v, (bytes, bytearray)):
        return "0x" + bytes(v).hex()
    if isinstance(v, Duration):
        return fmt_duration(v)
    if isinstance(v, (int, Decimal, uuid.UUID, Date, Time)):
        return str(v)
    return fmt_text(str(v), False)


def fmt_table(names, types, rows, mask=()):
    """cqlsh's non-interactive table: header left-aligned, values right-aligned."""
    cells = []
    for r in rows:
        cells.append(["<masked>" if names[i] in mask and v is not None else fmt_value(v, types[i])
                      for i, v in enumerate(r)])
    widths = [len(n) for n in names]
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], len(c))
    lines = ["", " " + " | ".join(n.ljust(w) for n, w in zip(names, widths)),
             "-" + "-+-".join("-" * w for w in widths) + "-"]
    if not cells:
        lines.append("")
    for row in cells:
        lines.append(" " + " | ".join(c.rjust(w) for c, w in zip(row, widths)))
    lines += ["", "(%d rows)" % len(rows)]
    return lines


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

def is_describe(stmt):
    return re.match(r"(?is)^\s*desc(ribe)?\b", stmt) is not None


def fmt_describe(rs_names, rows):
    if "create_statement" in rs_names:
        out = [""]
        i = rs_names.index("create_statement")
        for r in rows:
            out.extend(r[i].split("\n"))
            out.append("")
        return out
    return None


def run_statement(session, directives, stmt):
    out = ["> " + line for line in stmt.rstrip().split("\n")]
    out[-1] += ";"
    opts = {d[0]: d[1:] for d in directives}
    try:
        rs = session.execute(SimpleStatement(stmt, fetch_size=PAGE_SIZE), timeout=30)
    except Exception as e:  # noqa: BLE001 - every error is part of the output
        return out + fmt_error(e)
    names = list(rs.column_names or [])
    types = list(rs.column_types or [])
    if not names:
        return out + ["OK"]
    rows = list(rs)  # every page
    if "columns" in opts:
        return out + ["columns: " + ", ".join(
            "%s %s" % (n, _base(t).cql_parameterized_type()) for n, t in zip(names, types)),
            "(%d rows)" % len(rows)]
    if is_describe(stmt):
        d = fmt_describe(names, rows)
        if d is not None:
            return out + d
    return out + fmt_table(names, types, rows, set(opts.get("mask", [])))


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
