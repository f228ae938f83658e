#!/usr/bin/env bash
# mta_aiosmtpd.sh - the built-in suite against aiosmtpd, Python's
# asyncio SMTP server from Debian's python3-aiosmtpd, run with its own
# command line on 127.0.0.1 (every message accepted and dropped) and
# stopped afterwards.  Root is not needed.
#
# Passing means: no MUST-level failure other than those waived in
# ci/waivers/aiosmtpd.txt, each with its reason.  Exit 77 (skip) when
# aiosmtpd is not installed, unless SMTPCONF_REQUIRE_MTA=1 (CI).
. "$(dirname "$0")/lib.sh"
smtpconf=$1 scenarios=$2 top=$3

skip() {
	if [ "${SMTPCONF_REQUIRE_MTA:-0}" = 1 ]; then
		die "$* (SMTPCONF_REQUIRE_MTA=1)"
	fi
	echo "SKIP: $*"
	exit 77
}
# Debian's package is importable only by Debian's own interpreter.
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null ||
	skip "python3-aiosmtpd is not installed" \
		"(ci/install-deps.sh installs it)"

scratch_dir
. "$top/ci/mta/common.sh"
port=$(free_port)
stop_aiosmtpd() {
	"$top/ci/mta/aiosmtpd.sh" stop "$SCRATCH/aiosmtpd" >/dev/null 2>&1
	cleanup
}
trap stop_aiosmtpd EXIT
"$top/ci/mta/aiosmtpd.sh" start "$SCRATCH/aiosmtpd" "$port" ||
	die "could not start aiosmtpd"

"$smtpconf" run "$scenarios" --target "127.0.0.1:$port" --no-color \
	--waivers "$top/ci/waivers/aiosmtpd.txt" \
	--json "$SCRATCH/aiosmtpd.json" --junit "$SCRATCH/aiosmtpd.xml" \
	>"$SCRATCH/out" 2>"$SCRATCH/err"
rc=$?
cat "$SCRATCH/out" "$SCRATCH/err"
[ "$rc" = 0 ] || die "smtpconf exited $rc against aiosmtpd"
expect_output "$SCRATCH/out" "^server 127.0.0.1:$port: 220 .*Python SMTP"
expect_output "$SCRATCH/out" "8BITMIME"
expect_output "$SCRATCH/out" "^PASS +MUST +rfc5321/quit/basic"
expect_output "$SCRATCH/aiosmtpd.json" '"reachable": true'
grep -q '"verdict": "error"' "$SCRATCH/aiosmtpd.json" &&
	die "a scenario could not run against aiosmtpd"
if [ -n "${SMTPCONF_REPORT_DIR:-}" ]; then
	mkdir -p "$SMTPCONF_REPORT_DIR"
	cp "$SCRATCH/aiosmtpd.json" "$SCRATCH/aiosmtpd.xml" \
		"$SMTPCONF_REPORT_DIR/"
fi
exit 0
