#!/usr/bin/python3
"""
PasswordAuthenticator with the DataStax Python driver (what cqlsh -u/-p and LOGIN do), against
a real ringdb started by ringdb_harness with `authenticator: PasswordAuthenticator`:

  - cassandra/cassandra (the default superuser) logs in and runs cqlsh's first query;
  - a wrong password, an unknown user and no credentials fail with AuthenticationFailed and
    Cassandra's messages;
  - LIST ROLES / LIST USERS decode with Cassandra 4.1's columns;
  - a role made with CREATE ROLE ... LOGIN = true logs in; a role without LOGIN cannot;
    ALTER ROLE ... PASSWORD replaces the password; after DROP ROLE the role cannot log in;
  - a non-superuser cannot create a superuser (Unauthorized);
  - roles survive a restart (system_auth is a stored keyspace).

Usage: test_auth.py [--ringdb path/to/ringdb]. Exit 77 (skip) without python3-cassandra.
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    from cassandra import AuthenticationFailed, InvalidRequest, Unauthorized
    from cassandra.auth import PlainTextAuthProvider
    from cassandra.cluster import NoHostAvailable
except ImportError:
    print("python3-cassandra not installed: skipped")
    sys.exit(77)

import ringdb_harness  # noqa: E402

PASSWORD_AUTH = ["authenticator: PasswordAuthenticator"]


def connect(node, user=None, password=None):
    auth = PlainTextAuthProvider(user, password) if user is not None else None
    c = ringdb_harness.cluster(node, auth_provider=auth, connect_timeout=5,
                               control_connection_timeout=5)
    try:
        return c, c.connect()
    except Exception:
        c.shutdown()
        raise


class AuthTest(unittest.TestCase):
    node = None

    @classmethod
    def setUpClass(cls):
        cls.node = ringdb_harness.Node(extra_config=PASSWORD_AUTH, name="auth").start()

    @classmethod
    def tearDownClass(cls):
        node, cls.node = cls.node, None
        try:
            node.check_stop()
        finally:
            node.cleanup()

    def run(self, result=None):
        result = super().run(result)
        if result is not None and (result.failures or result.errors) and self.node:
            self.node.failed = True  # keep the node's dir for the post-mortem
        return result

    def login_error(self, user, password):
        """The error of a failed login, or None when the login worked."""
        try:
            c, _ = connect(self.node, user, password)
        except NoHostAvailable as e:
            errors = list(e.errors.values())
            self.assertEqual(len(errors), 1, e.errors)
            return errors[0]
        c.shutdown()
        return None

    def assert_login_fails(self, user, password, message):
        err = self.login_error(user, password)
        self.assertIsInstance(err, AuthenticationFailed, "%s/%s" % (user, password))
        self.assertIn(message, str(err))

    def superuser(self):
        c, s = connect(self.node, "cassandra", "cassandra")
        self.addCleanup(c.shutdown)
        return s

    def restart(self):
        rc = self.node.stop()
        self.assertEqual(rc, 0)
        # the harness waits for a new "cql server listening" line: keep the old log aside
        os.replace(self.node.log_path, self.node.log_path + ".1")
        self.node.start()

    def test_1_default_superuser(self):
        s = self.superuser()
        row = s.execute("select * from system.local where key = 'local'").one()
        self.assertTrue(row.release_version)  # what cqlsh reads first
        roles = list(s.execute("LIST ROLES"))
        self.assertEqual([tuple(r) for r in roles], [("cassandra", True, True, {}, "ALL")])
        self.assertEqual(roles[0]._fields, ("role", "super", "login", "options", "datacenters"))
        users = list(s.execute("LIST USERS"))
        self.assertEqual([tuple(r) for r in users], [("cassandra", True, "ALL")])
        self.assertEqual(users[0]._fields, ("name", "super", "datacenters"))
        hashes = [r.salted_hash for r in s.execute("SELECT salted_hash FROM system_auth.roles")]
        self.assertEqual(len(hashes), 1)
        self.assertTrue(hashes[0].startswith("$argon2id$v=19$m=19456,t=2,p=1$"), hashes[0])

    def test_2_bad_credentials(self):
        self.assert_login_fails("cassandra", "wrong",
                                "Provided username cassandra and/or password are incorrect")
        self.assert_login_fails("nobody", "x",
                                "Provided username nobody and/or password are incorrect")
        err = self.login_error(None, None)
        self.assertIsInstance(err, AuthenticationFailed)
        self.assertIn("requires authentication", str(err))

    def test_3_roles_log_in_until_dropped(self):
        s = self.superuser()
        s.execute("CREATE ROLE alice WITH PASSWORD = 'pw1' AND LOGIN = true")
        s.execute("CREATE ROLE nologin WITH PASSWORD = 'pw'")
        s.execute("CREATE USER bob WITH PASSWORD 'b0b' NOSUPERUSER")
        with self.assertRaises(InvalidRequest) as ctx:
            s.execute("CREATE ROLE alice")
        self.assertIn("alice already exists", str(ctx.exception))
        users = [tuple(r) for r in s.execute("LIST USERS")]
        self.assertEqual(users, [("alice", False, "ALL"), ("bob", False, "ALL"),
                                 ("cassandra", True, "ALL")])

        self.assertIsNone(self.login_error("alice", "pw1"))
        self.assert_login_fails("nologin", "pw", "nologin is not permitted to log in")
        c, alice = connect(self.node, "alice", "pw1")
        try:
            alice.execute("CREATE ROLE IF NOT EXISTS helper")
            with self.assertRaises(Unauthorized) as ctx:
                alice.execute("CREATE ROLE boss WITH SUPERUSER = true")
            self.assertIn("Only superusers can create a role with superuser status",
                          str(ctx.exception))
        finally:
            c.shutdown()

        s.execute("ALTER ROLE alice WITH PASSWORD = 'pw2'")
        self.assert_login_fails("alice", "pw1",
                                "Provided username alice and/or password are incorrect")
        self.assertIsNone(self.login_error("alice", "pw2"))

        self.restart()
        self.assertIsNone(self.login_error("alice", "pw2"), "roles survive a restart")
        self.assertIsNone(self.login_error("bob", "b0b"), "users survive a restart")
        s = self.superuser()
        s.execute("DROP ROLE alice")
        self.assert_login_fails("alice", "pw2",
                                "Provided username alice and/or password are incorrect")


if __name__ == "__main__":
    ringdb_harness.main()
