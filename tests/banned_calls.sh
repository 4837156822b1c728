#!/usr/bin/env bash
# Tidy check: no C source or header in the repository (build directories aside) calls what
# STYLE.md bans: strcpy, sprintf, strtok, atoi, rand, alloca (snprintf, strtol with checks,
# the seeded generators and arenas instead). Prints each offending line; exit 1 if any.
# Usage: tests/banned_calls.sh [repo root]
set -uo pipefail
root=${1:-$(dirname "$0")/..}
hits=$(grep -rnwE 'strcpy|sprintf|strtok|atoi|rand|alloca' --include=*.c --include=*.h \
           --exclude-dir='build*' --exclude-dir=.git "$root")
if [ -n "$hits" ]; then
    echo "banned calls (STYLE.md):"
    echo "$hits"
    exit 1
fi
echo "PASS banned_calls"
