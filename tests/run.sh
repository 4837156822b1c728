#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds twice (release, then
# AddressSanitizer + UndefinedBehaviorSanitizer) and runs every test under ctest, then builds
# the libFuzzer targets with clang and runs each for a bounded time.
# Usage: tests/run.sh [--quick]   (--quick: release build only, for a fast local loop)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=$(nproc)

deploy/deps.sh test
# The Node.js driver the client tests use (pinned in tests/clients/node/package-lock.json):
# npm ci only when node_modules is missing or holds another version.
/usr/bin/python3 tests/clients/run_node.py --install

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
    # libFuzzer targets (tests/fuzz): a clang build with coverage, ASan and UBSan in every
    # library; only the fuzz targets are built, and each runs for a bounded time (ctest -L fuzz).
    echo "== build build-fuzz (clang, RINGDB_FUZZ=ON)"
    CC=clang cmake -S "$root" -B "$root/build-fuzz" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DRINGDB_FUZZ=ON >/dev/null
    cmake --build "$root/build-fuzz" -j "$jobs" --target fuzz_all
    echo "== fuzz build-fuzz"
    ctest --test-dir "$root/build-fuzz" --output-on-failure -L fuzz -j "$jobs" --timeout 900
fi
echo "== all tests passed in $(($(date +%s) - start))s"
