#!/usr/bin/env bash
# Installs the Debian 12 packages ringdb needs, only those missing, so a second run is quick.
# Usage: deploy/deps.sh [build|test|bench]...   (build and the shell's run set always included)
set -euo pipefail

build_pkgs=(build-essential cmake pkg-config libuv1-dev libsodium-dev libmsgpack-dev liblz4-dev
            libyaml-dev)
# The shell (node/tools/ringsh) runs on Debian's Python driver: needed wherever ringdb runs.
run_pkgs=(python3-cassandra python3-lz4)
test_pkgs=(libcriterion-dev clang libclang-rt-14-dev procps)
bench_pkgs=(rocksdb-tools redis-server redis-tools)

want=("${build_pkgs[@]}" "${run_pkgs[@]}")
for group in "$@"; do
    case "$group" in
        build) ;;
        test) want+=("${test_pkgs[@]}") ;;
        bench) want+=("${bench_pkgs[@]}") ;;
        *) echo "deps.sh: unknown group '$group' (build|test|bench)" >&2; exit 2 ;;
    esac
done

missing=()
for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Node.js and npm may come from another source (nodesource); only install Debian's when absent.
for group in "$@"; do
    if [ "$group" = test ] && ! { command -v node && command -v npm; } >/dev/null 2>&1; then
        missing+=(nodejs npm)
    fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
