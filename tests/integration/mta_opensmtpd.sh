#!/usr/bin/env bash
# mta_opensmtpd.sh - the built-in suite against a real OpenSMTPD from
# Debian's package (unpacked beside Postfix, not installed), started on
# 127.0.0.1 in a private mount namespace with a private configuration
# (nothing relayed, all mail discarded) and stopped afterwards.
#
# Passing means: no MUST-level failure other than those waived in
# ci/waivers/opensmtpd.txt, each with its reason.  Exit 77 (skip) when
# root is missing or OpenSMTPD cannot be fetched, unless
# SMTPCONF_REQUIRE_MTA=1 (CI).
. "$(dirname "$0")/lib.sh"
smtpconf=$1 scenarios=$2 top=$3

skip() {
	if [ "${SMTPCONF_REQUIRE_MTA:-0}" = 1 ]; then
		die "$* (SMTPCONF_REQUIRE_MTA=1)"
	fi
	echo "SKIP: $*"
	exit 77
}
[ "$(id -u)" = 0 ] || skip "OpenSMTPD needs root to start and to mount"
# Unpacks Debian's package once (ci/install-deps.sh does it too).
"$top/ci/mta/opensmtpd.sh" install ||
	skip "OpenSMTPD is not available (ci/install-deps.sh fetches it)"

scratch_dir
. "$top/ci/mta/common.sh"
port=$(free_port)
stop_opensmtpd() {
	"$top/ci/mta/opensmtpd.sh" stop "$SCRATCH/opensmtpd" >/dev/null 2>&1
	cleanup
}
trap stop_opensmtpd EXIT
"$top/ci/mta/opensmtpd.sh" start "$SCRATCH/opensmtpd" "$port" ||
	die "could not start OpenSMTPD"

"$smtpconf" run "$scenarios" --target "127.0.0.1:$port" --no-color \
	--waivers "$top/ci/waivers/opensmtpd.txt" \
	--json "$SCRATCH/opensmtpd.json" --junit "$SCRATCH/opensmtpd.xml" \
	>"$SCRATCH/out" 2>"$SCRATCH/err"
rc=$?
cat "$SCRATCH/out" "$SCRATCH/err"
[ "$rc" = 0 ] || die "smtpconf exited $rc against OpenSMTPD"
expect_output "$SCRATCH/out" "^server 127.0.0.1:$port: 220 .*OpenSMTPD"
expect_output "$SCRATCH/out" "ENHANCEDSTATUSCODES"
expect_output "$SCRATCH/out" "^PASS +MUST +rfc5321/quit/basic"
expect_output "$SCRATCH/opensmtpd.json" '"reachable": true'
grep -q '"verdict": "error"' "$SCRATCH/opensmtpd.json" &&
	die "a scenario could not run against OpenSMTPD"
# Discarded, not delivered: every delivery went to the discard command.
if grep 'mda delivery' "$SCRATCH/opensmtpd/smtpd.log" |
	grep -qv 'user=nobody .*result=Ok'; then
	grep 'mda delivery' "$SCRATCH/opensmtpd/smtpd.log" >&2
	die "OpenSMTPD failed a delivery to the discard command"
fi
if [ -n "${SMTPCONF_REPORT_DIR:-}" ]; then
	mkdir -p "$SMTPCONF_REPORT_DIR"
	cp "$SCRATCH/opensmtpd.json" "$SCRATCH/opensmtpd.xml" \
		"$SMTPCONF_REPORT_DIR/"
fi
exit 0
