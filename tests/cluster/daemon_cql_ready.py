#!/usr/bin/env python3
"""Process test: a freshly started ringdb answers on its CQL port, logins included.

Each case starts `ringdb -f` on an empty data directory and connects as soon as the port
accepts (polling with a deadline: no log line is waited for first), then speaks protocol v4
over a plain socket:

  allow_all   OPTIONS -> SUPPORTED (CQL_VERSION, PROTOCOL_VERSIONS, COMPRESSION), STARTUP ->
              READY, a query -> RESULT Rows; the default superuser is still created in the
              background (the warning to change its password is logged) and the node stops
              cleanly
  password    PasswordAuthenticator: the first login as cassandra/cassandra, sent before the
              default role's background setup has necessarily finished, succeeds (it waits for
              the setup instead of failing); a wrong password gets ERROR 0x0100 with
              Cassandra's message; after a restart the role is not created again
  faults      RINGDB_FAULTS: a bad spec stops the start (exit 1, naming the variable); a good
              one logs one warning and reaches the files of every phase (a write fault on the
              node identity file local.db fails the start with the file named)

Asserts behaviour, not timing (start-up time is measured by tests/bench/daemon_startup.py).
Only processes started here are signalled, by PID; a failing case keeps its directory.
Usage: daemon_cql_ready.py path/to/ringdb
"""
import os
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients"))
import ringdb_harness as harness  # noqa: E402

CONNECT_TIMEOUT_S = 30
IO_TIMEOUT_S = 30

OP_ERROR, OP_STARTUP, OP_READY, OP_AUTHENTICATE = 0x00, 0x01, 0x02, 0x03
OP_OPTIONS, OP_SUPPORTED, OP_QUERY, OP_RESULT = 0x05, 0x06, 0x07, 0x08
OP_AUTH_RESPONSE, OP_AUTH_SUCCESS = 0x0F, 0x10
PASSWORD_AUTHENTICATOR = "org.apache.cassandra.auth.PasswordAuthenticator"


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def spawn(node, env=None):
    """Starts the node without waiting for any log line."""
    node._write_config()
    with open(node.log_path, "ab") as log:
        node.proc = subprocess.Popen([harness.binary(), "-f", "--config", node.config_path],
                                     stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env)


def connect(node):
    """Polls connect() until the CQL port accepts, while the process lives."""
    deadline = time.monotonic() + CONNECT_TIMEOUT_S
    while True:
        check(node.proc.poll() is None, "ringdb exited (%s) before its CQL port opened"
              % node.proc.returncode)
        try:
            s = socket.create_connection((node.address, node.port), timeout=IO_TIMEOUT_S)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return s
        except (ConnectionRefusedError, socket.timeout):
            check(time.monotonic() < deadline, "CQL port closed after %d s" % CONNECT_TIMEOUT_S)
            time.sleep(0.005)


def recv_exact(s, n):
    out = b""
    while len(out) < n:
        chunk = s.recv(n - len(out))
        check(chunk, "connection closed by the server")
        out += chunk
    return out


def request(s, opcode, body=b"", stream=1):
    s.sendall(struct.pack(">BBhBI", 0x04, 0, stream, opcode, len(body)) + body)
    version, _flags, rstream, ropcode, length = struct.unpack(">BBhBI", recv_exact(s, 9))
    check(version == 0x84, "response version 0x%02x (want 0x84)" % version)
    check(rstream == stream, "response stream %d (want %d)" % (rstream, stream))
    return ropcode, recv_exact(s, length)


def string(b, off):
    (n,) = struct.unpack_from(">H", b, off)
    return b[off + 2:off + 2 + n].decode(), off + 2 + n


def enc_string(v):
    return struct.pack(">H", len(v)) + v.encode()


def enc_bytes(v):
    return struct.pack(">i", len(v)) + v


def decode_multimap(b):
    (n,) = struct.unpack_from(">H", b, 0)
    off, out = 2, {}
    for _ in range(n):
        k, off = string(b, off)
        (m,) = struct.unpack_from(">H", b, off)
        off += 2
        vals = []
        for _ in range(m):
            v, off = string(b, off)
            vals.append(v)
        out[k] = vals
    return out


def decode_error(body):
    (code,) = struct.unpack_from(">i", body, 0)
    msg, _ = string(body, 4)
    return code, msg


def options(s):
    op, body = request(s, OP_OPTIONS)
    check(op == OP_SUPPORTED, "OPTIONS answered with opcode 0x%02x (want SUPPORTED)" % op)
    sup = decode_multimap(body)
    for key in ("CQL_VERSION", "PROTOCOL_VERSIONS", "COMPRESSION"):
        check(key in sup, "SUPPORTED lacks %s: %r" % (key, sup))
    check(any(v.startswith("4/") for v in sup["PROTOCOL_VERSIONS"]),
          "PROTOCOL_VERSIONS lacks v4: %r" % sup["PROTOCOL_VERSIONS"])
    return sup


def startup(s):
    body = struct.pack(">H", 1) + enc_string("CQL_VERSION") + enc_string("3.0.0")
    return request(s, OP_STARTUP, body)


def login(node, user, password):
    """A new connection: OPTIONS, STARTUP -> AUTHENTICATE, AUTH_RESPONSE. Returns
    (opcode, body) of the answer to AUTH_RESPONSE."""
    with connect(node) as s:
        options(s)
        op, body = startup(s)
        check(op == OP_AUTHENTICATE, "STARTUP answered with 0x%02x (want AUTHENTICATE)" % op)
        check(string(body, 0)[0] == PASSWORD_AUTHENTICATOR, "AUTHENTICATE names %r"
              % string(body, 0)[0])
        token = b"\0" + user.encode() + b"\0" + password.encode()
        return request(s, OP_AUTH_RESPONSE, enc_bytes(token))


def query(s, cql):
    body = struct.pack(">i", len(cql)) + cql.encode() + struct.pack(">HB", 0x0001, 0)
    op, rbody = request(s, OP_QUERY, body)
    if op == OP_ERROR:
        raise Failure("%s: error %r" % (cql, decode_error(rbody)))
    check(op == OP_RESULT, "QUERY answered with 0x%02x" % op)
    return struct.unpack_from(">i", rbody, 0)[0]


def wait_log(node, text, timeout_s=30):
    deadline = time.monotonic() + timeout_s
    while text not in node.log_text():
        check(node.proc.poll() is None, "ringdb exited before logging %r" % text)
        check(time.monotonic() < deadline, "no %r in the log after %d s" % (text, timeout_s))
        time.sleep(0.02)


def wait_exit(node, timeout_s=30):
    try:
        return node.proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        raise Failure("ringdb still running %d s after start" % timeout_s)


def case_allow_all(node):
    spawn(node)
    with connect(node) as s:
        options(s)
        op, _ = startup(s)
        check(op == OP_READY, "STARTUP answered with 0x%02x (want READY)" % op)
        check(query(s, "SELECT release_version FROM system.local") == 2, "not a Rows result")
    wait_log(node, "default role setup done default_role_created=yes")
    check("created the default superuser role 'cassandra'" in node.log_text(),
          "no warning to change the default password")
    node.check_stop()


def case_password(node):
    node.extra_config = ["authenticator: PasswordAuthenticator"]
    spawn(node)
    op, body = login(node, "cassandra", "cassandra")
    check(op == OP_AUTH_SUCCESS, "first login as cassandra: opcode 0x%02x %r" % (
        op, decode_error(body) if op == OP_ERROR else body))
    op, body = login(node, "cassandra", "wrong")
    check(op == OP_ERROR, "a wrong password answered with 0x%02x" % op)
    check(decode_error(body) == (0x0100, "Provided username cassandra and/or password are "
                                         "incorrect"), "wrong password: %r" % (decode_error(body),))
    node.check_stop()
    check("default_role_created=yes" in node.log_text(), "the default role was not created")
    spawn(node)  # restart on the same data: the role exists, nothing is created
    op, body = login(node, "cassandra", "cassandra")
    check(op == OP_AUTH_SUCCESS, "login after a restart: opcode 0x%02x" % op)
    wait_log(node, "default role setup done default_role_created=no")
    node.check_stop()


def case_faults(node):
    env = dict(os.environ, RINGDB_FAULTS="no_such_key=1")
    spawn(node, env)
    check(wait_exit(node) == 1, "a bad RINGDB_FAULTS spec: exit code %s (want 1)"
          % node.proc.returncode)
    check("RINGDB_FAULTS" in node.log_text(), "the refused start does not name RINGDB_FAULTS")

    env["RINGDB_FAULTS"] = "path=local.db,fail_writes_from=1"
    spawn(node, env)
    check(wait_exit(node) == 1, "EIO on local.db: exit code %s (want 1)" % node.proc.returncode)
    check("local.db" in node.log_text().rsplit("fault injection enabled", 1)[-1],
          "the failed start does not name local.db")

    open(node.log_path, "w").close()
    env["RINGDB_FAULTS"] = "path=no-such-file,fail_writes_from=1"
    spawn(node, env)
    with connect(node) as s:
        options(s)
    log = node.log_text()
    check(log.count(" WARN ") >= 1 and log.count("fault injection enabled") == 1,
          "want one fault-injection warning")
    node.check_stop()


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: daemon_cql_ready.py path/to/ringdb\n")
        return 2
    harness._binary = os.path.abspath(sys.argv[1])
    failed = 0
    for name, fn in (("allow_all", case_allow_all), ("password", case_password),
                     ("faults", case_faults)):
        node = harness.Node(name="cql_ready_" + name)
        try:
            fn(node)
            print("PASS %s" % name)
        except (Failure, harness.NodeError) as e:
            node.failed = True
            failed += 1
            print("FAIL %s: %s (log: %s)" % (name, e, node.log_path))
        finally:
            node.stop()
            node.cleanup()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
