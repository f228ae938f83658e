#!/usr/bin/env bash
# mta_postfix.sh - the built-in suite against a real Postfix from
# Debian's packages, started on 127.0.0.1 in a private configuration
# (nothing relayed, all mail discarded) and stopped afterwards.
#
# Passing means: no MUST-level failure other than those waived in
# ci/waivers/postfix.txt, each with its reason.  Exit 77 (skip) when
# Postfix or root is missing, unless SMTPCONF_REQUIRE_MTA=1 (CI).
. "$(dirname "$0")/lib.sh"
smtpconf=$1 scenarios=$2 top=$3

skip() {
	if [ "${SMTPCONF_REQUIRE_MTA:-0}" = 1 ]; then
		die "$* (SMTPCONF_REQUIRE_MTA=1)"
	fi
	echo "SKIP: $*"
	exit 77
}
[ "$(id -u)" = 0 ] || skip "Postfix needs root to start"
command -v postfix >/dev/null || [ -x /usr/sbin/postfix ] ||
	skip "postfix is not installed (ci/install-deps.sh installs it)"

scratch_dir
. "$top/ci/mta/common.sh"
port=$(free_port)
stop_postfix() {
	"$top/ci/mta/postfix.sh" stop "$SCRATCH/postfix" >/dev/null 2>&1
	cleanup
}
trap stop_postfix EXIT
"$top/ci/mta/postfix.sh" start "$SCRATCH/postfix" "$port" ||
	die "could not start Postfix"

"$smtpconf" run "$scenarios" --target "127.0.0.1:$port" --no-color \
	--waivers "$top/ci/waivers/postfix.txt" \
	--json "$SCRATCH/postfix.json" --junit "$SCRATCH/postfix.xml" \
	>"$SCRATCH/out" 2>"$SCRATCH/err"
rc=$?
cat "$SCRATCH/out" "$SCRATCH/err"
[ "$rc" = 0 ] || die "smtpconf exited $rc against Postfix"
expect_output "$SCRATCH/out" "^server 127.0.0.1:$port: 220 "
expect_output "$SCRATCH/out" "PIPELINING"
expect_output "$SCRATCH/out" "^PASS +MUST +rfc5321/quit/basic"
expect_output "$SCRATCH/postfix.json" '"reachable": true'
grep -q '"verdict": "error"' "$SCRATCH/postfix.json" &&
	die "a scenario could not run against Postfix"
if [ -n "${SMTPCONF_REPORT_DIR:-}" ]; then
	mkdir -p "$SMTPCONF_REPORT_DIR"
	cp "$SCRATCH/postfix.json" "$SCRATCH/postfix.xml" "$SMTPCONF_REPORT_DIR/"
fi
exit 0
