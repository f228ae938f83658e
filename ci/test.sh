#!/usr/bin/env bash
# ci/test.sh - the test command: installs what the tests need, builds
# smtpconf twice (gcc with warnings as errors; clang with AddressSanitizer
# and UndefinedBehaviorSanitizer) and runs every CUnit unit test and
# integration test (mock server, CLI, real Postfix) through CTest in
# both builds; then a libFuzzer build runs every fuzz target for 60 s.
# Run as root on Debian 12: `sudo ci/test.sh`.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${SMTPCONF_BUILD_ROOT:-$top/build}

"$top/ci/install-deps.sh" --with-browser
mkdir -p "$out"

# The real-MTA and browser tests must run here, not skip.
export SMTPCONF_REQUIRE_MTA=1
export SMTPCONF_REQUIRE_BROWSER=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_suite() {
	local name=$1
	shift
	echo "== $name: build"
	"$top/ci/build.sh" "$out/$name" "$@"
	echo "== $name: test"
	ctest --test-dir "$out/$name" --output-on-failure -j "$(nproc)"
}

run_suite gcc -DCMAKE_C_COMPILER=gcc -DSMTPCONF_WERROR=ON \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo
run_suite clang-asan -DCMAKE_C_COMPILER=clang -DSMTPCONF_WERROR=ON \
	-DSMTPCONF_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
# The fuzz stage: libFuzzer builds of every in-process target under
# ASan+UBSan, each corpus replayed and then fuzzed for 60 s with a fixed
# seed (CTest label fuzz, campaign.sh), two at a time: about 5 minutes.
echo "== clang-fuzz: build"
"$top/ci/build.sh" "$out/clang-fuzz" -DCMAKE_C_COMPILER=clang \
	-DSMTPCONF_WERROR=ON -DSMTPCONF_SANITIZE=ON -DSMTPCONF_FUZZ=ON \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo
echo "== clang-fuzz: test"
ctest --test-dir "$out/clang-fuzz" --output-on-failure -L fuzz -j 2
echo "== all tests passed (gcc, clang+ASan+UBSan, fuzz campaigns)"
