# lib_mta.sh - the shared body of the real-MTA tests (sourced by
# mta_*.sh with their arguments: SMTPCONF SCENARIOS SOURCE-TOP).
#
# A real-MTA test starts one server with its ci/mta/NAME.sh script on a
# free loopback port, runs the built-in suite against it with the
# server's waiver file, and passes when smtpconf exits 0: no MUST-level
# failure other than those waived, each with its reason.  The server is
# stopped on exit, whatever happens.
. "$(dirname "$0")/lib.sh"
smtpconf=$1 scenarios=$2 top=$3

# mta_skip MESSAGE... - exit 77 (skip), or fail when SMTPCONF_REQUIRE_MTA=1
mta_skip() {
	if [ "${SMTPCONF_REQUIRE_MTA:-0}" = 1 ]; then
		die "$* (SMTPCONF_REQUIRE_MTA=1)"
	fi
	echo "SKIP: $*"
	exit 77
}

# mta_stop - stop the server and remove the scratch directory
mta_stop() {
	"$top/ci/mta/$MTA_NAME.sh" stop "$SCRATCH/$MTA_NAME" >/dev/null 2>&1
	cleanup
}

# mta_start NAME LABEL - start ci/mta/NAME.sh; sets MTA_PORT
mta_start() {
	MTA_NAME=$1
	MTA_LABEL=$2
	scratch_dir
	. "$top/ci/mta/common.sh"
	MTA_PORT=$(free_port)
	trap mta_stop EXIT
	"$top/ci/mta/$MTA_NAME.sh" start "$SCRATCH/$MTA_NAME" "$MTA_PORT" ||
		die "could not start $MTA_LABEL"
}

# mta_run_suite BANNER-ERE CAPABILITY [RUN-ARGS...] - the suite must
# pass; the probe must have seen this server (banner) and its EHLO
# reply (a capability).  RUN-ARGS go to `smtpconf run` (--tls ...).
# MTA_WAIVERS names another waiver file than ci/waivers/NAME.txt.
# With MTA_PCAP=1 the run is captured too (--pcap), and every session's
# TCP stream, as tshark reassembles it, must equal its transcript.
mta_run_suite() {
	local report=$SCRATCH/$MTA_NAME rc pcap=() banner=$1 cap=$2
	local waivers=${MTA_WAIVERS:-$top/ci/waivers/$MTA_NAME.txt}

	shift 2

	[ "${MTA_PCAP:-0}" = 1 ] && pcap=(--pcap "$report.pcap")
	"$smtpconf" run "$scenarios" --target "127.0.0.1:$MTA_PORT" \
		--no-color --waivers "$waivers" \
		--json "$report.json" --junit "$report.xml" "${pcap[@]}" "$@" \
		>"$SCRATCH/out" 2>"$SCRATCH/err"
	rc=$?
	cat "$SCRATCH/out" "$SCRATCH/err"
	[ "$rc" = 0 ] || die "smtpconf exited $rc against $MTA_LABEL"
	expect_output "$SCRATCH/out" "^server 127.0.0.1:$MTA_PORT: $banner"
	expect_output "$SCRATCH/out" "$cap"
	expect_output "$SCRATCH/out" "^PASS +MUST +rfc5321/quit/basic"
	expect_output "$report.json" '"reachable": true'
	if grep -q '"verdict": "error"' "$report.json"; then
		die "a scenario could not run against $MTA_LABEL"
	fi
	# Waivers name real deviations: one that matched nothing is stale.
	if grep -q "matched no failure" "$SCRATCH/err"; then
		die "a waiver in $waivers matched no failure"
	fi
	[ "${MTA_PCAP:-0}" = 1 ] && mta_check_capture "$report"
	return 0
}

# mta_check_capture REPORT - REPORT.pcap against REPORT.json (tshark)
mta_check_capture() {
	if ! command -v tshark >/dev/null; then
		[ "${SMTPCONF_REQUIRE_MTA:-0}" = 1 ] &&
			die "tshark is missing (SMTPCONF_REQUIRE_MTA=1)"
		echo "note: tshark is not installed; capture not checked"
		return 0
	fi
	"$top/tests/integration/pcap_streams.py" "$1.json" "$1.pcap" 1 ||
		die "the capture of $MTA_LABEL differs from the transcripts"
}

# mta_keep_reports - copy the reports to $SMTPCONF_REPORT_DIR, if set
mta_keep_reports() {
	[ -n "${SMTPCONF_REPORT_DIR:-}" ] || return 0
	mkdir -p "$SMTPCONF_REPORT_DIR"
	cp "$SCRATCH/$MTA_NAME.json" "$SCRATCH/$MTA_NAME.xml" \
		"$SMTPCONF_REPORT_DIR/"
}
