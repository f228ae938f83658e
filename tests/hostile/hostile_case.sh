#!/usr/bin/env bash
# hostile_case.sh SMTPCONF HOSTILE PEAK_RSS SCENARIOS RSS_LIMIT_KIB MODE
#                 EXIT SCOPE TLS REASON-ERE
#
# One line of tests/hostile/cases.txt: start hostile_smtpd in MODE,
# run smtpconf against it (the whole suite when SCOPE is "all", a few
# scenarios when it is "few": the modes that stall cost one step
# timeout per scenario; the STARTTLS scenarios when it is "starttls")
# with --tls TLS unless TLS is "-", every report on, and check that
#  - smtpconf exits with EXIT and its output matches REASON-ERE,
#    and every scenario got a verdict (no crash, no hang: CTest's
#    TIMEOUT bounds the run; nothing here measures time); when the
#    probe found the server unreachable (a failed implicit TLS or
#    STARTTLS handshake), every scenario is an ERROR saying so;
#  - no sanitizer report is on stderr (the ASan build runs this too);
#  - its peak RSS stays under RSS_LIMIT_KIB (0: not measured, as in
#    the sanitizer build, whose shadow memory and quarantine make RSS
#    meaningless);
#  - the JSON parses (python3 -m json.tool), the JUnit XML is well
#    formed (xmllint), the terminal output holds no ESC, NUL, C1 CSI
#    or bidi override, and no markup the server sent is live in the
#    HTML or the XML.
# Mode tiny-writes must also give the same verdicts as mode plain.
. "$(dirname "$0")/../integration/lib.sh"

smtpconf=$1 hostile=$2 peak_rss=$3 scenarios=$4 rss_limit=$5 mode=$6
want_exit=$7 scope=$8 tls=$9 reason=${10:-}
scratch_dir

FEW=(--only rfc5321/session/greeting --only rfc5321/ehlo/basic
	--only rfc5321/data/basic --only rfc5321/quit/basic
	--only rfc5321/flood/unknown-verbs --only smuggling/data-end-lf-lf
	--only rfc5321/overload/sessions-greeted)
# Every scenario with a `starttls` step, and two without.
STARTTLS=(--only 'rfc3207/*' --only rfc5321/session/greeting
	--only rfc5321/ehlo/basic)
HOSTILE_PID=""
# Debian's python3 (ci/install-deps.sh); a pyenv shim takes seconds.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# stop_hostile - end the server this test started
stop_hostile() {
	if [ -n "$HOSTILE_PID" ]; then
		kill "$HOSTILE_PID" 2>/dev/null
		wait "$HOSTILE_PID" 2>/dev/null
		HOSTILE_PID=""
	fi
}
trap 'stop_hostile; cleanup' EXIT

# start_hostile MODE DIR - start hostile_smtpd; sets PORT
start_hostile() {
	local i
	# slowloris: a byte every 250 ms, four within the 1 s step timeout,
	# so a client that re-armed its timer on every byte would wait on.
	"$hostile" --mode "$1" --port-file "$2/port" --interval-ms 250 \
		2>"$2/hostile.log" &
	HOSTILE_PID=$!
	for i in $(seq 1 100); do
		if [ -s "$2/port" ]; then
			PORT=$(cat "$2/port")
			return 0
		fi
		kill -0 "$HOSTILE_PID" 2>/dev/null ||
			die "hostile_smtpd exited: $(cat "$2/hostile.log")"
		sleep 0.05
	done
	die "hostile_smtpd did not start"
}

# run_against MODE DIR - smtpconf against MODE, everything into DIR
run_against() {
	local sel=()
	[ "$scope" = few ] && sel=("${FEW[@]}")
	[ "$scope" = starttls ] && sel=("${STARTTLS[@]}")
	[ "$tls" = - ] || sel+=(--tls "$tls")
	mkdir -p "$2"
	start_hostile "$1" "$2"
	"$peak_rss" "$2/rss" "$smtpconf" run "$scenarios" "${sel[@]}" \
		--target "127.0.0.1:$PORT" --step-timeout 1s -v \
		--json "$2/r.json" --junit "$2/r.xml" --html "$2/r.html" \
		>"$2/out" 2>"$2/err"
	RC=$?
	stop_hostile
}

# has_bytes FILE PRINTF-PATTERN - does FILE hold these raw bytes?
has_bytes() {
	LC_ALL=C grep -qF -- "$(printf "$2")" "$1"
}

# check_terminal DIR - no byte that a terminal would obey
check_terminal() {
	local f=$1/out
	has_bytes "$f" '\033' && die "raw ESC in the terminal output"
	tr -d '\000' <"$f" | cmp -s - "$f" ||
		die "raw NUL in the terminal output"
	has_bytes "$f" '\302\233' && die "raw C1 CSI in the terminal output"
	has_bytes "$f" '\342\200\256' && die "raw bidi override in the output"
	return 0
}

# check_reports DIR - every report valid, server markup inert
check_reports() {
	local d=$1 m
	"$PY" -m json.tool "$d/r.json" >/dev/null 2>"$d/json.err" ||
		die "invalid JSON: $(cat "$d/json.err")"
	xmllint --noout "$d/r.xml" 2>"$d/xml.err" ||
		die "invalid JUnit XML: $(head -5 "$d/xml.err")"
	# The server's markup, which must never appear unescaped.
	for m in '<script>hostile' '<b>hostile-b' ']]><hostile-cdata' \
		'<img src=x' '</textarea><b>'; do
		grep -qF -- "$m" "$d/r.html" && die "live '$m' in the HTML"
		grep -qF -- "$m" "$d/r.xml" && die "live '$m' in the JUnit XML"
	done
	has_bytes "$d/r.html" '\033' && die "raw ESC in the HTML report"
	tr -d '\000' <"$d/r.html" | cmp -s - "$d/r.html" ||
		die "raw NUL in the HTML report"
	return 0
}

# check_run DIR - exit status, reason, a verdict each, no sanitizer
check_run() {
	local d=$1 rss total lines
	cat "$d/out"
	if [ "$RC" != "$want_exit" ]; then
		cat "$d/err" >&2
		die "smtpconf exited $RC, expected $want_exit"
	fi
	grep -Eq -- "$reason" "$d/out" ||
		die "the output does not match /$reason/"
	grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:' "$d/err" &&
		die "sanitizer report: $(cat "$d/err")"
	total=$("$PY" -c 'import json,sys
print(json.load(open(sys.argv[1]))["summary"]["total"])' "$d/r.json") ||
		die "no summary in the JSON report"
	lines=$(grep -Ec '^(PASS|FAIL|ERROR|SKIP|WAIVED) ' "$d/out")
	[ "$lines" = 0 ] && all_unreachable "$d" && lines=$total
	[ "$total" -gt 0 ] && [ "$lines" = "$total" ] ||
		die "$lines verdict lines for $total scenarios"
	rss=$(cat "$d/rss")
	echo "peak RSS of smtpconf: $rss KiB (limit: ${rss_limit:-0})"
	if [ "$rss_limit" -gt 0 ] && [ "$rss" -ge "$rss_limit" ]; then
		die "peak RSS $rss KiB is over $rss_limit KiB"
	fi
	return 0
}

# all_unreachable DIR - the probe failed: smtpconf said so, and every
# scenario is an ERROR with that reason (none is printed on its own)
all_unreachable() {
	grep -Eq '^smtpconf: server [^ ]* unreachable: ' "$1/err" &&
		"$PY" -c 'import json,sys
rs = json.load(open(sys.argv[1]))["results"]
sys.exit(not rs or any(r["verdict"] != "error" or
    not r["reason"].startswith("server unreachable: ") for r in rs))' \
			"$1/r.json"
}

# verdicts DIR - "id verdict" per scenario, from the JSON report
verdicts() {
	"$PY" -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["id"], r["verdict"])' "$1/r.json"
}

# check_mode_specific DIR - what this mode must show besides
check_mode_specific() {
	local d=$1
	case $mode in
	html)
		# Not vacuous: the markup reached every report, escaped.
		grep -qF '&lt;script&gt;hostile_marker()' "$d/r.html" ||
			die "the server's markup is not in the HTML report"
		grep -qF '&lt;script&gt;hostile_marker()' "$d/r.xml" ||
			die "the server's markup is not in the JUnit report"
		grep -qF '<script>hostile_marker()' "$d/r.json" ||
			die "the server's markup is not in the JSON report"
		;;
	escapes)
		grep -qF '\x1b[2J' "$d/out" ||
			die "the escape sequences are not shown escaped"
		;;
	nul)
		grep -qF 'nul\0in' "$d/out" ||
			die "the NUL is not shown as \\0"
		;;
	tls-late-*)
		# The probe got through TLS; then no scenario could run.
		grep -q '^  TLS (implicit): TLSv1' "$d/out" ||
			die "the probe's TLS session is not shown"
		verdicts "$d" | grep -Ev ' (error|skip)$' &&
			die "a scenario ran although its handshake failed"
		;;
	starttls-*)
		# The handshake's failure is rfc3207/basic's, at MUST level.
		[ "$tls" != - ] || verdicts "$d" |
			grep -qx 'rfc3207/basic fail' ||
			die "rfc3207/basic did not fail"
		"$PY" -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]:
    if r["id"] == "rfc3207/basic" and r["level"] != "MUST":
        sys.exit(1)' "$d/r.json" || die "rfc3207/basic is not MUST"
		;;
	tiny-writes)
		# Byte-at-a-time replies change nothing in the verdicts.
		run_against plain "$SCRATCH/plain"
		verdicts "$d" >"$d/verdicts"
		verdicts "$SCRATCH/plain" >"$SCRATCH/plain/verdicts"
		diff "$SCRATCH/plain/verdicts" "$d/verdicts" ||
			die "tiny writes changed the verdicts"
		;;
	esac
	return 0
}

run_against "$mode" "$SCRATCH/run"
check_run "$SCRATCH/run"
check_terminal "$SCRATCH/run"
check_reports "$SCRATCH/run"
check_mode_specific "$SCRATCH/run"
exit 0
