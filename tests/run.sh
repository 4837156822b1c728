#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds twice (release, then
# AddressSanitizer + UndefinedBehaviorSanitizer) and runs every test under ctest.
# Usage: tests/run.sh [--quick]   (--quick: release build only, for a fast local loop)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=$(nproc)

deploy/deps.sh test

run_build() { # dir, extra cmake args...
    local dir=$1
    shift
    echo "== build $dir $*"
    cmake -S "$root" -B "$root/$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
    cmake --build "$root/$dir" -j "$jobs"
    echo "== test $dir"
    ctest --test-dir "$root/$dir" --output-on-failure -j "$jobs" --timeout 900
}

start=$(date +%s)
run_build build
if [ "${1:-}" != "--quick" ]; then
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
        run_build build-asan -DRINGDB_SANITIZE=ON
fi
echo "== all tests passed in $(($(date +%s) - start))s"
