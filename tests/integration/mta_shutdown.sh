#!/usr/bin/env bash
# mta_shutdown.sh - the lifecycle scenarios (rfc5321/shutdown, flood and
# overload) against Postfix, Exim, aiosmtpd and OpenSMTPD, each started by
# smtpconf itself (--spawn) through its ci/mta/NAME.sh script and shut
# down with that script's stop command (--stop), which is what the
# `shutdown` step runs.  The other real-MTA tests start their servers
# themselves, so the shutdown scenarios are skipped there.
#
# What each server does is a finding, recorded in docs/real-servers.md
# ("Shutdown and error floods"); this test checks that the findings
# still hold, verdict by verdict, and that every scenario ran (no
# ERROR, and no SKIP but for an extension the server does not offer:
# the server was started, stopped and restarted by smtpconf).  Postfix
# runs with POSTFIX_TLS=1 (STARTTLS offered, as Debian sets it up when
# ssl-cert is installed), so the shutdown inside TLS runs there.
# SHOULD-level findings do not change smtpconf's exit status; the
# MUST-level findings (Exim closes without 421 after a few unknown
# commands; OpenSMTPD's STARTTLS handshake fails) make it 1, and only
# there.
#
# Exit 77 (skip) when no server can run here (root is needed for
# Postfix, Exim and OpenSMTPD); with SMTPCONF_REQUIRE_MTA=1 (CI) every
# server must run.
. "$(dirname "$0")/lib_mta.sh" "$@"

SELECT=(--only 'rfc5321/shutdown/*' --only 'rfc5321/flood/*'
	--only 'rfc5321/overload/*')
RAN=0

# unavailable NAME WHY - skip one server, or fail under REQUIRE_MTA
unavailable() {
	if [ "${SMTPCONF_REQUIRE_MTA:-0}" = 1 ]; then
		die "$1: $2 (SMTPCONF_REQUIRE_MTA=1)"
	fi
	echo "SKIP $1: $2"
}

# available NAME - 0 when ci/mta/NAME.sh can start the server here
available() {
	local why=""

	case $1 in
	postfix|exim|opensmtpd)
		[ "$(id -u)" = 0 ] || why="needs root" ;;
	esac
	case $1:$why in
	postfix:)
		command -v postfix >/dev/null || [ -x /usr/sbin/postfix ] ||
			why="not installed (ci/install-deps.sh installs it)" ;;
	exim:)
		"$top/ci/mta/exim.sh" install >/dev/null 2>&1 ||
			why="not available (ci/install-deps.sh fetches it)" ;;
	opensmtpd:)
		"$top/ci/mta/opensmtpd.sh" install >/dev/null 2>&1 ||
			why="not available (ci/install-deps.sh fetches it)" ;;
	aiosmtpd:)
		/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null ||
			why="not installed (ci/install-deps.sh installs it)" ;;
	esac
	[ -z "$why" ] && return 0
	unavailable "$1" "$why"
	return 1
}

# stop_all - stop whatever instance a run left behind
stop_all() {
	local name

	for name in postfix exim aiosmtpd opensmtpd; do
		[ -d "$SCRATCH/$name" ] || continue
		"$top/ci/mta/$name.sh" stop "$SCRATCH/$name" >/dev/null 2>&1
	done
	cleanup
}

# ran_all JSON - 0 when no result is an error, and every skip is a
# when: condition on an extension the server does not advertise
ran_all() {
	python3 - "$1" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    reason = r.get("reason") or ""
    if r["verdict"] == "error" or (r["verdict"] == "skip" and
                                   "is not advertised" not in reason):
        print(r["id"], r["verdict"], reason)
        sys.exit(1)
PY
}

# run_server NAME WANT-EXIT [ENV] - run the lifecycle scenarios with
# --spawn, ENV (NAME=VALUE) set for the start script; the output is in
# $SCRATCH/NAME.out
run_server() {
	local name=$1 want=$2 env=${3:-} dir=$SCRATCH/$1 port rc

	port=$(free_port)
	# The start script starts the server in the background and
	# returns; tail then lives as long as the server does, so the
	# process smtpconf watches ends when the server ends.
	"$smtpconf" run "$scenarios" "${SELECT[@]}" \
		--target "127.0.0.1:$port" --no-color -v \
		--spawn "$env '$top/ci/mta/$name.sh' start '$dir' \${port} \
>'$SCRATCH/$name.start' 2>&1 && exec tail --pid=\"\$(cat '$dir/pid')\" \
-f /dev/null" \
		--stop "'$top/ci/mta/$name.sh' stop '$dir'" \
		--json "$SCRATCH/$name.json" >"$SCRATCH/$name.out" 2>&1
	rc=$?
	echo "== $name"
	grep -Ev '^ +>?(C|S):' "$SCRATCH/$name.out"
	[ "$rc" = "$want" ] ||
		die "smtpconf exited $rc against $name, expected $want"
	ran_all "$SCRATCH/$name.json" ||
		die "a lifecycle scenario did not run against $name"
	RAN=$((RAN + 1))
}

# finding NAME VERDICT LEVEL ID [ERE] - one documented result
finding() {
	local out=$SCRATCH/$1.out

	expect_output "$out" "^$2 +$3 +rfc5321/$4:"
	[ -z "${5:-}" ] || expect_output "$out" "$5"
}

scratch_dir
. "$top/ci/mta/common.sh"
trap stop_all EXIT

# Postfix: 421 after its 20th error (smtpd_hard_error_limit), then the
# close: the defence the flood scenario accepts (on-421: end-session);
# `postfix stop` ends the open sessions without a 421, in every state:
# idle, in DATA, in the middle of a BDAT chunk, inside TLS.
if available postfix; then
	run_server postfix 0 POSTFIX_TLS=1
	finding postfix PASS SHOULD flood/unknown-verbs
	finding postfix PASS MUST overload/sessions-greeted
	finding postfix FAIL SHOULD shutdown/421-during-data \
		'without a 421 reply'
	finding postfix FAIL SHOULD shutdown/421-to-open-sessions \
		'without a 421 reply'
	finding postfix FAIL SHOULD shutdown/421-during-bdat \
		'without a 421 reply'
	finding postfix FAIL SHOULD shutdown/421-inside-tls \
		'without a 421 reply'
fi

# Exim: "500 Too many unrecognized commands" to the 4th unknown verb
# (smtp_max_unknown_commands = 3), then a close without 421: the MUST
# finding.  Its session processes answer SIGTERM with 421, except in
# the middle of message data or of a BDAT chunk, and inside TLS, where
# the 421 is written in plaintext past the TLS layer (Exim offers
# STARTTLS with a certificate it makes itself).
if available exim; then
	run_server exim 1
	finding exim FAIL MUST flood/unknown-verbs \
		'after .XFLOOD05. .* without a 421 or 221'
	finding exim PASS MUST overload/sessions-greeted
	finding exim FAIL SHOULD shutdown/421-during-data \
		'without a 421 reply'
	finding exim PASS SHOULD shutdown/421-to-open-sessions
	finding exim FAIL SHOULD shutdown/421-during-bdat \
		'without a 421 reply'
	finding exim FAIL SHOULD shutdown/421-inside-tls \
		'broke the TLS session .*wrong version number'
fi

# aiosmtpd: "502 5.5.1 Too many unrecognized commands, goodbye." to the
# 5th unknown verb; SIGINT ends every session without a 421.
if available aiosmtpd; then
	run_server aiosmtpd 0
	finding aiosmtpd FAIL SHOULD flood/unknown-verbs \
		'replied 502 .*Too many unrecognized commands'
	finding aiosmtpd PASS MUST overload/sessions-greeted
	finding aiosmtpd FAIL SHOULD shutdown/421-during-data \
		'without a 421 reply'
	finding aiosmtpd FAIL SHOULD shutdown/421-to-open-sessions \
		'without a 421 reply'
	# No CHUNKING.  STARTTLS is offered (ci/mta/aiosmtpd.sh gives it a
	# certificate), and inside TLS it closes without a 421 as elsewhere.
	finding aiosmtpd SKIP SHOULD shutdown/421-during-bdat
	finding aiosmtpd FAIL SHOULD shutdown/421-inside-tls \
		'without a 421 reply'
fi

# OpenSMTPD: smtpd -d (foreground) in its private mount namespace,
# stopped with SIGTERM, on which it exits and every session is closed
# without a 421, idle or in DATA.  No CHUNKING.  Its STARTTLS is
# answered 220 but the handshake fails on this build (the MUST
# failure; mta:mta_opensmtpd waives it for rfc3207), so the shutdown
# inside TLS never gets inside TLS.  It answers 500 to all 30 unknown
# verbs and keeps the session: the flood scenario passes.
if available opensmtpd; then
	run_server opensmtpd 1
	finding opensmtpd PASS SHOULD flood/unknown-verbs
	finding opensmtpd PASS MUST overload/sessions-greeted
	finding opensmtpd FAIL SHOULD shutdown/421-during-data \
		'without a 421 reply'
	finding opensmtpd FAIL SHOULD shutdown/421-to-open-sessions \
		'without a 421 reply'
	finding opensmtpd SKIP SHOULD shutdown/421-during-bdat
	finding opensmtpd FAIL MUST shutdown/421-inside-tls \
		'handshake failed: .*tlsv1 alert internal error'
fi

[ "$RAN" -gt 0 ] ||
	mta_skip "none of Postfix, Exim, aiosmtpd, OpenSMTPD can run here"
exit 0
