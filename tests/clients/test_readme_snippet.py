"""The "Connect with Python" snippet in README.md, extracted and run as is against a fresh
ringdb node (only its address and port are replaced), so the README never rots: it must exit 0,
print exactly "1 Ada" and "2 Grace", and write nothing to stderr (no driver warnings).

Usage: /usr/bin/python3 test_readme_snippet.py [--ringdb PATH]
"""
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ringdb_harness as rh  # noqa: E402

README = os.path.join(rh.REPO, "README.md")


def snippet():
    with open(README) as f:
        text = f.read()
    m = re.search(r"<!-- snippet: python-connect[^>]*-->\s*```python\n(.*?)```\s*<!-- /snippet -->",
                  text, re.S)
    if not m:
        raise AssertionError("no python-connect snippet in README.md")
    return m.group(1)


class ReadmeSnippetTest(rh.NodeTestCase):
    def test_snippet_runs(self):
        code = snippet()
        self.assertIn('Cluster(["127.0.0.1"], port=9042', code)
        code = code.replace('"127.0.0.1"', '"%s"' % self.node.address)
        code = code.replace("port=9042", "port=%d" % self.node.port)
        proc = subprocess.run(["/usr/bin/python3", "-c", code], capture_output=True, text=True,
                              timeout=120)
        self.assertEqual(proc.stderr, "")
        self.assertEqual(proc.returncode, 0)
        self.assertEqual(proc.stdout, "1 Ada\n2 Grace\n")
        # Run twice: IF NOT EXISTS makes it re-runnable.
        proc = subprocess.run(["/usr/bin/python3", "-c", code], capture_output=True, text=True,
                              timeout=120)
        self.assertEqual((proc.returncode, proc.stdout, proc.stderr), (0, "1 Ada\n2 Grace\n", ""))


if __name__ == "__main__":
    rh.main()
