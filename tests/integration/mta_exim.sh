#!/usr/bin/env bash
# mta_exim.sh - the built-in suite against a real Exim 4 from Debian's
# packages (unpacked beside Postfix, not installed), started on
# 127.0.0.1 in a private configuration generated from Debian's default
# one (nothing relayed, all mail discarded) and stopped afterwards.
#
# Passing means: no MUST-level failure other than those waived in
# ci/waivers/exim.txt, each with its reason.  Exit 77 (skip) when root
# is missing or Exim cannot be fetched, unless SMTPCONF_REQUIRE_MTA=1
# (CI).
. "$(dirname "$0")/lib.sh"
smtpconf=$1 scenarios=$2 top=$3

skip() {
	if [ "${SMTPCONF_REQUIRE_MTA:-0}" = 1 ]; then
		die "$* (SMTPCONF_REQUIRE_MTA=1)"
	fi
	echo "SKIP: $*"
	exit 77
}
[ "$(id -u)" = 0 ] || skip "Exim needs root to start"
# Unpacks Debian's packages once (ci/install-deps.sh does it too).
"$top/ci/mta/exim.sh" install ||
	skip "Exim is not available (ci/install-deps.sh fetches it)"

scratch_dir
. "$top/ci/mta/common.sh"
port=$(free_port)
stop_exim() {
	"$top/ci/mta/exim.sh" stop "$SCRATCH/exim" >/dev/null 2>&1
	cleanup
}
trap stop_exim EXIT
"$top/ci/mta/exim.sh" start "$SCRATCH/exim" "$port" ||
	die "could not start Exim"

"$smtpconf" run "$scenarios" --target "127.0.0.1:$port" --no-color \
	--waivers "$top/ci/waivers/exim.txt" \
	--json "$SCRATCH/exim.json" --junit "$SCRATCH/exim.xml" \
	>"$SCRATCH/out" 2>"$SCRATCH/err"
rc=$?
cat "$SCRATCH/out" "$SCRATCH/err"
[ "$rc" = 0 ] || die "smtpconf exited $rc against Exim"
expect_output "$SCRATCH/out" "^server 127.0.0.1:$port: 220 .*Exim"
expect_output "$SCRATCH/out" "PIPELINING"
expect_output "$SCRATCH/out" "^PASS +MUST +rfc5321/quit/basic"
expect_output "$SCRATCH/exim.json" '"reachable": true'
grep -q '"verdict": "error"' "$SCRATCH/exim.json" &&
	die "a scenario could not run against Exim"
# Discarded, not delivered: Exim's own log names our router.
if grep -q ' => ' "$SCRATCH/exim/log/mainlog" &&
	grep ' => ' "$SCRATCH/exim/log/mainlog" | grep -qv 'R=smtpconf_discard'
then
	die "Exim delivered mail other than through the discard router"
fi
if [ -n "${SMTPCONF_REPORT_DIR:-}" ]; then
	mkdir -p "$SMTPCONF_REPORT_DIR"
	cp "$SCRATCH/exim.json" "$SCRATCH/exim.xml" "$SMTPCONF_REPORT_DIR/"
fi
exit 0
