#!/usr/bin/env bash
# ci/kit/matrix.sh - the built-in suite against Postfix, Exim, OpenSMTPD
# and aiosmtpd (each started privately on loopback by its ci/mta script,
# the ones our own integration tests use), then the multi-server
# comparison page: `smtpconf report a.json b.json ...`.
#
# usage: ci/kit/matrix.sh SMTPCONF OUTDIR [MTA...]
#   SMTPCONF  a built smtpconf binary
#   OUTDIR    gets NAME.json, NAME.xml, NAME.html per server and
#             matrix.html
#   MTA       postfix exim opensmtpd aiosmtpd (default: all four)
# A server that is not installed is skipped with a note, unless
# MATRIX_REQUIRE=1.  Exit: 0 when every server ran and passed its MUST
# scenarios (with its waivers in ci/waivers/), 1 otherwise, 2 on usage.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)

[ $# -ge 2 ] || { echo "usage: ${0##*/} SMTPCONF OUTDIR [MTA...]" >&2; exit 2; }
smtpconf=$1 out=$2
shift 2
mtas=("$@")
[ ${#mtas[@]} -gt 0 ] || mtas=(postfix exim opensmtpd aiosmtpd)
. "$top/ci/mta/common.sh"
mkdir -p "$out" || exit 2
work=$(mktemp -d "${TMPDIR:-/tmp}/smtpconf-matrix.XXXXXX")
current=
# stop_current - stop the server that runs now, if any
stop_current() {
	[ -n "$current" ] && "$top/ci/mta/$current.sh" stop "$work/$current" \
		>/dev/null 2>&1
	current=
}
trap 'stop_current; rm -rf "$work"' EXIT

bad=0
jsons=()
for mta in "${mtas[@]}"; do
	[ -x "$top/ci/mta/$mta.sh" ] || { echo "unknown MTA '$mta'" >&2; exit 2; }
	port=$(free_port)
	if ! "$top/ci/mta/$mta.sh" start "$work/$mta" "$port" \
		>"$work/$mta.start" 2>&1; then
		if [ "${MATRIX_REQUIRE:-0}" = 1 ]; then
			cat "$work/$mta.start" >&2
			echo "$mta: could not start" >&2
			bad=1
		else
			echo "$mta: not run (could not start; see ci/install-deps.sh)"
		fi
		continue
	fi
	current=$mta
	"$smtpconf" run "$top/scenarios" --target "127.0.0.1:$port" -q \
		--no-color --waivers "$top/ci/waivers/$mta.txt" \
		--json "$out/$mta.json" --junit "$out/$mta.xml" \
		--html "$out/$mta.html"
	rc=$?
	echo "$mta: smtpconf exited $rc"
	[ "$rc" = 0 ] || bad=1
	stop_current
	[ -s "$out/$mta.json" ] && jsons+=("$out/$mta.json")
done
if [ ${#jsons[@]} -ge 2 ]; then
	"$smtpconf" report "${jsons[@]}" -o "$out/matrix.html" || bad=1
	echo "matrix: $out/matrix.html"
elif [ ${#jsons[@]} -eq 1 ]; then
	echo "matrix: only one server ran; see ${jsons[0]%.json}.html"
fi
exit "$bad"
