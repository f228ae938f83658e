#!/usr/bin/env bash
# ci/demo.sh - the main job for real: installs what is missing, builds
# smtpconf, starts Postfix (Debian's package) on 127.0.0.1 in a private
# configuration that discards all mail, runs the built-in suite against
# it and writes the reports to reports/.  Run as root on Debian 12:
# `sudo ci/demo.sh`.  Exit status is smtpconf's (0: all MUSTs pass).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SMTPCONF_BUILD_ROOT:-$top/build}/demo
reports=${SMTPCONF_REPORT_DIR:-$top/reports}

"$top/ci/install-deps.sh"
mkdir -p "$(dirname "$build")" "$reports"
"$top/ci/build.sh" "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo

. "$top/ci/mta/common.sh"
instance=$(mktemp -d "${TMPDIR:-/tmp}/smtpconf-postfix.XXXXXX")
port=$(free_port)
trap '"$top/ci/mta/postfix.sh" stop "$instance" >/dev/null 2>&1; rm -rf "$instance"' EXIT
"$top/ci/mta/postfix.sh" start "$instance" "$port"

set +e
"$build/smtpconf" run "$top/scenarios" --target "127.0.0.1:$port" \
	--waivers "$top/ci/waivers/postfix.txt" \
	--json "$reports/postfix.json" --junit "$reports/postfix.xml" \
	--html "$reports/postfix.html"
rc=$?
set -e
echo
echo "reports: $reports/postfix.json (JSON), $reports/postfix.xml (JUnit)"
echo "         $reports/postfix.html (HTML: open it in a browser)"
exit $rc
