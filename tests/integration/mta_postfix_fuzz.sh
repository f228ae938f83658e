#!/usr/bin/env bash
# mta_postfix_fuzz.sh - a short, bounded `smtpconf fuzz` campaign (fixed
# seed, at most 60 s) against a real Postfix from Debian's packages,
# started on 127.0.0.1 by ci/mta/postfix.sh (see lib_mta.sh).  Postfix
# is the reference for the oracles: a finding here is either a Postfix
# bug worth reporting or a false alarm of the fuzzer, and fails the test
# either way, with the finding's scenario printed.  The sessions must
# also get deep: MAIL, RCPT and DATA accepted in some of them.
#
# One finding is known and allowed: Postfix answers a malformed BDAT
# with 521 and closes the connection (smtpd.c: it cannot tell where the
# chunk would end), where RFC 5321 3.8 allows a close only after 221 or
# 421 (docs/real-servers.md, "Fuzzing").  The campaign goes on past such
# findings, and each must be exactly that: the close right after a 521
# to a BDAT line.
. "$(dirname "$0")/lib_mta.sh" "$@"

[ "$(id -u)" = 0 ] || mta_skip "Postfix needs root to start"
command -v postfix >/dev/null || [ -x /usr/sbin/postfix ] ||
	mta_skip "postfix is not installed (ci/install-deps.sh installs it)"

mta_start postfix Postfix
"$smtpconf" fuzz --target "127.0.0.1:$MTA_PORT" --seed 1 --runs 2000 \
	--max-time 60s --max-findings 100 --hang-timeout 15s \
	--findings "$SCRATCH/findings" \
	>"$SCRATCH/out" 2>"$SCRATCH/err"
rc=$?
cat "$SCRATCH/out" "$SCRATCH/err"
# known_bdat_521 FILE - the finding is Postfix's close after 521 to BDAT:
# the last reply is that 521 and answers a BDAT line; lines the fuzzer
# sent after it (the minimizer may keep one) got no reply
known_bdat_521() {
	grep -q '^tags:  fuzz, close$' "$1" &&
		grep -v '^S: xxx' "$1" | grep '^[RS]: ' | awk '
			/^S: / { reply = $0; command = previous }
			{ previous = $0 }
			END { exit !(reply ~ /^S: 521( |$)/ &&
				     command ~ /^R: "BDAT/) }'
}

for f in "$SCRATCH/findings"/*.smtp; do
	[ -e "$f" ] || continue
	known_bdat_521 "$f" || { cat "$f"; die "a new finding on Postfix"; }
done
[ "$rc" = 0 ] || [ "$rc" = 1 ] || die "smtpconf fuzz exited $rc against Postfix"
expect_output "$SCRATCH/out" "^findings: [0-9]+ \(crash 0, hang 0, close [0-9]+, grammar 0\)"
expect_output "$SCRATCH/out" "MAIL [1-9][0-9]* RCPT [1-9][0-9]* DATA [1-9]"
exit 0
