#!/usr/bin/env bash
# run_all.sh - evbench's one entry point.
#
#   ./run_all.sh                 dependencies, Release build, the standard run,
#                                figures; prints where the run directory is
#   ./run_all.sh --test          dependencies, a build with warnings as errors,
#                                ctest --output-on-failure; then the same tests
#                                built with ASan + UBSan (build-asan/); then the
#                                libFuzzer targets, 10 s each (build-fuzz/)
#
# Missing Debian packages are installed when this runs as root with apt-get;
# otherwise the exact apt-get line is printed and the script goes on with
# what is there (optional parts then say what they skip).
set -euo pipefail

cd "$(dirname "$0")"

PACKAGES=(cmake gcc make pkg-config zlib1g-dev gnuplot-nox hyperfine check liburing-dev
	ansible-core)
# Needed to build at all; the rest degrade with a message (ansible-core:
# fleet/evbench.yml and its test, ~10 MB without the community collections).
REQUIRED=(cmake gcc make pkg-config zlib1g-dev)
# --test also fuzzes (tests/fuzz): Debian's clang and its libFuzzer runtime.
TEST_PACKAGES=(clang libclang-rt-14-dev)

usage() {
	cat <<'USAGE'
Usage: ./run_all.sh [--profile NAME] [--family F] [--out DIR]   the main job
       ./run_all.sh --test                                       the tests
       ./run_all.sh --help

  --profile NAME   smoke | quick | standard (default) | full
  --family F       only one family (families.cmake lists them: notify, mux, timer,
                   serve)
  --out DIR        the run directory (default results/<time>-<host>-<kernel>/)
  --test           build with warnings as errors and run ctest
  --no-deps        do not install or check Debian packages

Any other option after -- is passed to `evbench run` unchanged,
e.g. ./run_all.sh -- --reps 3 --cpu-dma-latency 0
USAGE
}

mode=run
deps=yes
run_args=()
while [ $# -gt 0 ]; do
	case "$1" in
	--profile|--family|--out)
		[ $# -ge 2 ] || { echo "run_all.sh: $1 needs a value" >&2; exit 2; }
		run_args+=("$1" "$2")
		shift 2
		;;
	--test) mode=test; shift ;;
	--no-deps) deps=no; shift ;;
	--help|-h) usage; exit 0 ;;
	--) shift; run_args+=("$@"); break ;;
	*) echo "run_all.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
	esac
done

missing_packages() {
	local pkg
	for pkg in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
			printf '%s\n' "$pkg"
	done
}

install_deps() {
	command -v dpkg-query >/dev/null || { echo "run_all.sh: not a Debian system: install ${PACKAGES[*]} yourself" >&2; return; }
	local missing
	mapfile -t missing < <(missing_packages)
	[ ${#missing[@]} -eq 0 ] && return
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "run_all.sh: installing ${missing[*]}" >&2
		export DEBIAN_FRONTEND=noninteractive
		if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >&2; then
			echo "run_all.sh: apt-get failed; going on with what is installed" >&2
		fi
	else
		echo "run_all.sh: missing packages; install them with:" >&2
		echo "  sudo apt-get install ${missing[*]}" >&2
	fi
	local pkg
	for pkg in "${REQUIRED[@]}"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || {
			echo "run_all.sh: $pkg is required to build; cannot go on" >&2
			exit 1
		}
	done
}

jobs=$(nproc 2>/dev/null || echo 2)

if [ "$deps" = yes ]; then
	[ "$mode" = test ] && PACKAGES+=("${TEST_PACKAGES[@]}")
	install_deps
fi

if [ "$mode" = test ]; then
	# 1. Release build, warnings as errors: the code users run.
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DEVB_WERROR=ON -DEVB_REQUIRE_TESTS=ON
	cmake --build build -j"$jobs"
	ctest --test-dir build --output-on-failure
	# 2. The same tests under AddressSanitizer + UndefinedBehaviorSanitizer.
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DEVB_WERROR=ON -DEVB_SANITIZE=ON -DEVB_REQUIRE_TESTS=ON
	cmake --build build-asan -j"$jobs"
	ctest --test-dir build-asan --output-on-failure
	# 3. The libFuzzer targets (tests/fuzz), 10 s each from the committed
	#    seeds; docs/testing.md has the longer run.
	if command -v clang >/dev/null; then
		CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DEVB_FUZZ=ON >/dev/null
		cmake --build build-fuzz -j"$jobs" >/dev/null
		tests/fuzz/run.sh build-fuzz 10
	else
		echo "run_all.sh: no clang: the fuzz targets are not run (apt-get install clang libclang-rt-14-dev)" >&2
	fi
	exit $?
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DEVB_WERROR=OFF >/dev/null
cmake --build build -j"$jobs" >/dev/null
exec build/bin/evbench run "${run_args[@]}"
