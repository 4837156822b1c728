"""Runs the Node.js driver tests (tests/clients/node/test_node_driver.js) against a fresh ringdb
node: installs the pinned driver with `npm ci` when node_modules is missing or stale, starts the
node with the harness, runs `node --test` with RINGDB_ADDRESS/RINGDB_PORT, stops the node.

Usage: /usr/bin/python3 run_node.py [--ringdb PATH]
       /usr/bin/python3 run_node.py --install     (only the npm ci step; tests/run.sh runs it)
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ringdb_harness as rh  # noqa: E402

NODE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "node")
TEST_TIMEOUT_S = 240


def installed_version():
    try:
        with open(os.path.join(NODE_DIR, "node_modules", "cassandra-driver", "package.json")) as f:
            return json.load(f)["version"]
    except (OSError, ValueError, KeyError):
        return None


def ensure_driver():
    with open(os.path.join(NODE_DIR, "package.json")) as f:
        want = json.load(f)["dependencies"]["cassandra-driver"]
    if installed_version() == want:
        return
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True,
                   timeout=300)
    if installed_version() != want:
        sys.exit("npm ci did not install cassandra-driver %s" % want)


def main():
    argv = list(sys.argv[1:])
    if "--ringdb" in argv:
        i = argv.index("--ringdb")
        rh._binary = argv[i + 1]
    ensure_driver()
    if "--install" in argv:
        return
    with rh.Node(name="nodejs") as node:
        env = dict(os.environ, RINGDB_ADDRESS=node.address, RINGDB_PORT=str(node.port))
        proc = subprocess.run(["node", "--test", "--test-reporter=spec", "test_node_driver.js"],
                              cwd=NODE_DIR, env=env, timeout=TEST_TIMEOUT_S)
        if proc.returncode != 0:
            node.failed = True
            sys.exit("node --test failed (exit %d); ringdb log: %s"
                     % (proc.returncode, node.log_path))
    print("PASS node driver")


if __name__ == "__main__":
    main()
