"""What cqlsh 6.1 (Cassandra 4.1) prints, as pure functions: statement splitting, value
formatting, result tables (horizontal and EXPAND), and the DESCRIBE answers.

Shared by the shell (node/tools/ringsh) and the approval tests (tests/approval/run.py), so the
tests check the very code the shell runs. Nothing here talks to a server: values come in as the
DataStax Python driver returns them (with its cqltypes classes), text goes out as lists of lines
without line ends.

Quirks matched on purpose (each one is what cqlsh does):
  - text is bare at top level and quoted ('it''s') inside collections, UDTs and tuples;
    control characters and 0x7f..0xa0 print as Python escapes (\\n, \\x00);
  - float and double print with 5 significant digits before the point grows past them
    (cqlsh's float_precision and double_precision defaults, both 5);
  - timestamps 2024-01-02 03:04:05.678000+0000 (UTC), blobs 0x.., booleans True/False;
  - table header names left-aligned, values right-aligned, one space margin, " | " between
    columns; widths are display widths (East Asian wide characters count 2);
  - a non-interactive result ends with a blank line then "(N rows)"; an interactive one
    repeats the header on every page and ends each page with a blank line;
  - EXPAND prints "@ Row N" blocks, names and values left-aligned.

Runs with Debian's /usr/bin/python3 and python3-cassandra 3.25.
"""
import cmd
import datetime
import io
import math
import re
import sys
import unicodedata
import uuid
from decimal import Decimal

from cassandra import cqltypes
from cassandra.util import Date, Duration, Time

PAGE_SIZE = 100  # cqlsh's default page size
FLOAT_PRECISION = 5  # cqlsh's default for float and double
COLUMNIZE_WIDTH = 80  # cmd.Cmd.columnize's line width, as cqlsh uses it
STATEMENT_MAX_BYTES = 16 * 1024 * 1024  # one statement's text; cqlsh has no limit


# ---------------------------------------------------------------- statement splitting

def split_statements(text, newline_words=()):
    """([(directives, statement without its final ';')], unfinished rest) from CQL text.

    Splits on ';' outside quotes, comments, $$ strings and BEGIN BATCH ... APPLY BATCH. A
    statement whose first word (lowercase) is in newline_words also ends at a newline (cqlsh's
    own commands: HELP, DESCRIBE, CONSISTENCY, ...). Directives are the "-- @word ..." comment
    lines met before a statement starts (the approval tests' annotations), split into words.
    The rest is the text of a statement not finished yet ('' when none)."""
    out, buf, directives = [], [], []
    i, n = 0, len(text)

    def first_word():
        m = re.match(r"\s*([A-Za-z_?]+)", "".join(buf))
        return m.group(1).lower() if m else ""

    def finish():
        stmt = "".join(buf).strip()
        if stmt:
            out.append((list(directives), stmt))
        buf.clear()
        directives.clear()
    while i < n:
        c = text[i]
        two = text[i:i + 2]
        if c == "\n" and newline_words and first_word() in newline_words:
            finish()
            i += 1
            continue
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
            if j < 0:
                break  # unfinished comment: the rest waits for more input
            if "".join(buf).strip():
                buf.append(text[i:j + 2])
            i = j + 2
            continue
        if c in "'\"" or two == "$$":
            close = "$$" if two == "$$" else c
            j = _closing_quote(text, i + len(close), close)
            if j < 0:
                buf.append(text[i:])
                i = n
                break
            buf.append(text[i:j + len(close)])
            i = j + len(close)
            continue
        if c == ";":
            words = "".join(buf).upper().split()
            if words[:1] == ["BEGIN"] and words[-2:] != ["APPLY", "BATCH"]:
                buf.append(c)
            else:
                finish()
            i += 1
            continue
        buf.append(c)
        i += 1
    rest = "".join(buf) + text[i:]
    return out, (rest if rest.strip() else "")


def _closing_quote(text, start, close):
    """Index of the quote closing a literal that starts at text[start], or -1 (a doubled quote
    '' or "" inside is part of the literal)."""
    j, n = start, len(text)
    while j < n:
        if text.startswith(close, j):
            if len(close) == 1 and text.startswith(close, j + 1):
                j += 2
                continue
            return j
        j += 1
    return -1


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


def base_type(t):
    """The driver type without frozen<> / reversed<> wrappers."""
    while t is not None and issubclass(t, (cqltypes.FrozenType, cqltypes.ReversedType)):
        t = t.subtypes[0]
    return t


def _fmt_composite(v, t):
    """A UDT, tuple, map, set or list value, or None when t is none of them."""
    if issubclass(t, cqltypes.UserType):
        fields = []
        for name, sub, fv in zip(t.fieldnames, t.subtypes, v):
            fields.append("%s: %s" % (fmt_text(name, False),
                                      "null" if fv is None else fmt_value(fv, sub, True)))
        return "{" + ", ".join(fields) + "}"
    if issubclass(t, cqltypes.TupleType):
        return "(" + ", ".join(fmt_value(x, s, True) for x, s in zip(v, t.subtypes)) + ")"
    if issubclass(t, cqltypes.MapType):
        kt, vt = t.subtypes
        items = sorted(v.items())
        return "{" + ", ".join("%s: %s" % (fmt_value(k, kt, True), fmt_value(x, vt, True))
                               for k, x in items) + "}"
    if issubclass(t, cqltypes.SetType):
        return "{" + ", ".join(fmt_value(x, t.subtypes[0], True) for x in sorted(v)) + "}"
    if issubclass(t, cqltypes.ListType):
        return "[" + ", ".join(fmt_value(x, t.subtypes[0], True) for x in v) + "]"
    return None


def fmt_value(v, t, quote=False):
    """v (as the driver returns it) of driver type t, as cqlsh prints it."""
    t = base_type(t)
    if v is None:
        return "null"
    if t is not None:
        composite = _fmt_composite(v, t)
        if composite is not None:
            return composite
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


def fmt_row(row, types, names=(), mask=()):
    """One result row's values formatted; columns named in mask print <masked> unless null."""
    return ["<masked>" if names and names[i] in mask and v is not None
            else fmt_value(v, types[i] if i < len(types) else None)
            for i, v in enumerate(row)]


# ---------------------------------------------------------------- tables

def display_width(s):
    """Terminal columns s takes: East Asian wide and full-width characters count 2, combining
    marks 0 (what cqlsh's wcwidth-based FormattedValue.displaywidth counts)."""
    w = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def _ljust(s, width):
    return s + " " * max(0, width - display_width(s))


def _rjust(s, width):
    return " " * max(0, width - display_width(s)) + s


def table_lines(names, cells, with_header, tty):
    """One page of a result as cqlsh's print_formatted_result prints it: the header (names
    left-aligned, trailing spaces dropped) and the dashed line when with_header, then each row
    of cells (already formatted) right-aligned; a page without rows is the header and a blank
    line; an interactive (tty) page ends with a blank line."""
    widths = [display_width(n) for n in names]
    for row in cells or ():
        for i, c in enumerate(row):
            widths[i] = max(widths[i], display_width(c))
    lines = []
    if with_header:
        lines.append((" " + " | ".join(_ljust(n, w) for n, w in zip(names, widths))).rstrip())
        lines.append("-%s-" % "-+-".join("-" * w for w in widths))
    if not cells:
        lines.append("")
        return lines
    for row in cells:
        lines.append(" " + " | ".join(_rjust(c, w) for c, w in zip(row, widths)))
    if tty:
        lines.append("")
    return lines


def vertical_lines(names, cells, row_offset):
    """Rows as cqlsh's EXPAND ON prints them: "@ Row N", a dashed line sized by the widest name
    and the widest value of the page, then " name | value" per column and a blank line."""
    if not cells:
        return []
    name_w = max(display_width(n) for n in names)
    value_w = max(display_width(c) for row in cells for c in row)
    lines = []
    for i, row in enumerate(cells):
        lines.append("@ Row %d" % (row_offset + i + 1))
        lines.append("-%s-" % "-+-".join(["-" * name_w, "-" * value_w]))
        for name, c in zip(names, row):
            lines.append(" " + _ljust(name, name_w) + " | " + c)
        lines.append("")
    return lines


def result_lines(names, types, rows, mask=()):
    """A whole result printed non-interactively, every page at once (cqlsh -e / -f)."""
    cells = [fmt_row(r, types, names, mask) for r in rows]
    return [""] + table_lines(names, cells, True, False) + ["", "(%d rows)" % len(rows)]


# ---------------------------------------------------------------- DESCRIBE (server-side)

DESCRIBE_LISTS = ("columnfamilies", "tables", "types", "functions", "aggregates")


def is_describe(stmt):
    return re.match(r"(?is)^\s*desc(ribe)?\b", stmt) is not None


def describe_kind(stmt):
    """The word after DESCRIBE/DESC, lowercase ('keyspaces', 'table', 'ks', ...)."""
    words = stmt.split()
    return words[1].lower().rstrip(";") if len(words) > 1 else ""


def columnize(names):
    """Names laid out in columns as cmd.Cmd.columnize does (80 columns, two spaces apart)."""
    out = io.StringIO()
    cmd.Cmd(stdout=out).columnize(list(names), COLUMNIZE_WIDTH)
    return out.getvalue().split("\n")[:-1]


def describe_lines(kind, names, rows, current_keyspace):
    """What cqlsh prints for a server-side DESCRIBE answer (rows as tuples in names' order).
    kind is describe_kind() of the statement."""
    col = {n: i for i, n in enumerate(names)}

    def get(r, name):
        return r[col[name]] if name in col else None
    if kind == "keyspaces":
        return [""] + columnize([get(r, "name") for r in rows]) + [""]
    if kind in DESCRIBE_LISTS:
        return _describe_list(rows, get, current_keyspace)
    if kind == "cluster":
        return _describe_cluster(rows, get, "range_ownership" in col)
    lines = []
    for r in rows:
        lines.append("")
        lines.extend((get(r, "create_statement") or "").split("\n"))
    return lines


def _describe_list(rows, get, current_keyspace):
    lines, keyspace, group = [], None, []

    def flush():
        lines.append("")
        if current_keyspace is None:
            lines.append("Keyspace %s" % keyspace)
            lines.append("---------%s" % ("-" * len(keyspace)))
        lines.extend(columnize(group))
    for r in rows:
        if get(r, "keyspace_name") != keyspace:
            if keyspace is not None:
                flush()
            keyspace, group = get(r, "keyspace_name"), []
        group.append(str(get(r, "name")))
    if keyspace is not None:
        flush()
        lines.append("")
    return lines


def _describe_cluster(rows, get, has_ownership):
    lines = []
    for r in rows:
        lines += ["", "Cluster: %s" % get(r, "cluster"), "Partitioner: %s" % get(r, "partitioner"),
                  "Snitch: %s" % get(r, "snitch"), ""]
        if has_ownership and get(r, "range_ownership") is not None:
            lines.append("Range ownership:")
            for token, hosts in get(r, "range_ownership").items():
                lines.append(" %39s  [%s]" % (token, ", ".join(hosts)))
            lines.append("")
    return lines
