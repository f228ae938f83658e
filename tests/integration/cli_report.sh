#!/usr/bin/env bash
# cli_report.sh - `smtpconf report` from saved JSON results: the run's
# page (the same page `run --html` wrote), a comparison of a correct
# and a failing run (the regression, exit 1), a matrix with both
# servers as columns, and bad input (exit 2, file:line:col).
. "$(dirname "$0")/lib.sh"
smtpconf=$1 mock=$2 scenarios=$3
scratch_dir

# run_mock MODES NAME - run the suite against the mock in MODES
run_mock() {
	start_mock "$mock" "$1"
	"$smtpconf" run "$scenarios" --target "127.0.0.1:$MOCK_PORT" \
		--step-timeout 2s --no-color --json "$SCRATCH/$2.json" \
		--html "$SCRATCH/$2.html" >"$SCRATCH/$2.out" 2>&1
	echo $? >"$SCRATCH/$2.rc"
	kill "$MOCK_PID"
	wait "$MOCK_PID" 2>/dev/null
	MOCK_PID=""
}

# check_page FILE - self-contained, policy first, nothing loaded
check_page() {
	head -c 16 "$1" | grep -q '^<!DOCTYPE html>' || die "$1: not HTML"
	tail -n 1 "$1" | grep -q '^</html>$' || die "$1: page not complete"
	expect_output "$1" "http-equiv=\"Content-Security-Policy\" \
content=\"default-src 'none'"
	grep -Eqi '<(img|iframe|object|embed)|<link rel="stylesheet"' \
		"$1" && die "$1 loads something"
	grep -qi 'src="http' "$1" && die "$1 fetches from the network"
	ls -A "$SCRATCH" | grep -q tmp && die "temporary files left behind"
	return 0
}

run_mock correct good
run_mock rset-no-reset bad
[ "$(cat "$SCRATCH/good.rc")" = 0 ] || die "correct mock: run failed"
[ "$(cat "$SCRATCH/bad.rc")" = 1 ] || die "rset-no-reset: no MUST failure"

# One file: the run's page again.  It matches the page `run --html`
# wrote except for the duration, which `run` measures anew for each
# report it writes (docs/html-report.md).
expect_exit 0 "$smtpconf" report "$SCRATCH/bad.json" -o "$SCRATCH/bad2.html"
check_page "$SCRATCH/bad2.html"
expect_output "$SCRATCH/bad2.html" 'rfc5321/rset/clears-transaction'
expect_output "$SCRATCH/bad2.html" '<h2>Failures \(1\)</h2>'
diff <(grep -v '<dt>Duration</dt>' "$SCRATCH/bad.html") \
	<(grep -v '<dt>Duration</dt>' "$SCRATCH/bad2.html") >&2 ||
	die "report's page differs from run --html's"
expect_exit 0 "$smtpconf" report "$SCRATCH/good.json" -o "$SCRATCH/good2.html"
diff <(grep -v '<dt>Duration</dt>' "$SCRATCH/good.html") \
	<(grep -v '<dt>Duration</dt>' "$SCRATCH/good2.html") >&2 ||
	die "report's page differs from run --html's (correct run)"

# The comparison: one MUST regression, exit 1; the other way a fix.
expect_exit 1 "$smtpconf" report --compare "$SCRATCH/good.json" \
	"$SCRATCH/bad.json" -o "$SCRATCH/cmp.html"
expect_output "$SCRATCH/out" \
	'^regression +MUST +rfc5321/rset/clears-transaction \(pass -> fail\)'
expect_output "$SCRATCH/out" '^1 regressions \(1 MUST\), 0 fixed'
check_page "$SCRATCH/cmp.html"
expect_output "$SCRATCH/cmp.html" '<h2 id="regression">Regressions \(1\)'
expect_output "$SCRATCH/cmp.html" 'rfc5321/rset/clears-transaction'
grep -qi '<script' "$SCRATCH/cmp.html" && die "comparison has a script"
expect_exit 0 "$smtpconf" report --compare "$SCRATCH/bad.json" \
	"$SCRATCH/good.json"
expect_output "$SCRATCH/out" '^fixed +MUST +rfc5321/rset/clears-transaction'
# --fail-on: a MUST regression does not block when only SHOULD does.
expect_exit 0 "$smtpconf" report --compare --fail-on should \
	"$SCRATCH/good.json" "$SCRATCH/bad.json"

# New and removed scenarios: drop one result from a copy (needs python3).
if command -v python3 >/dev/null; then
	python3 - "$SCRATCH/good.json" "$SCRATCH/fewer.json" <<'PY' ||
import json, sys
d = json.load(open(sys.argv[1]))
d["results"] = [r for r in d["results"]
                if r["id"] != "rfc5321/rset/clears-transaction"]
json.dump(d, open(sys.argv[2], "w"))
PY
		die "python3 could not edit the JSON"
	expect_exit 0 "$smtpconf" report --compare "$SCRATCH/good.json" \
		"$SCRATCH/fewer.json"
	expect_output "$SCRATCH/out" \
		'^removed +MUST +rfc5321/rset/clears-transaction'
	expect_exit 0 "$smtpconf" report --compare "$SCRATCH/fewer.json" \
		"$SCRATCH/good.json"
	expect_output "$SCRATCH/out" \
		'^new +MUST +rfc5321/rset/clears-transaction'
fi

# The matrix: both servers as columns, one row per scenario.
expect_exit 0 "$smtpconf" report "$SCRATCH/good.json" "$SCRATCH/bad.json" \
	-o "$SCRATCH/matrix.html"
check_page "$SCRATCH/matrix.html"
[ "$(grep -o '<th>127\.0\.0\.1:' "$SCRATCH/matrix.html" | wc -l)" = 2 ] ||
	die "matrix does not have the two servers as columns"
total=$(grep -Eo '"total": [0-9]+' "$SCRATCH/good.json" | grep -Eo '[0-9]+$')
[ "$(grep -c '^<tr><td><code>' "$SCRATCH/matrix.html")" = "$total" ] ||
	die "matrix does not have $total rows"
grep 'rfc5321/rset/clears-transaction' "$SCRATCH/matrix.html" |
	grep -q 'v-pass.*v-fail' || die "matrix row lacks pass and fail"

# Bad input: exit 2 and file:line:col.
printf '{"format": "smtpconf-results",\n "version": 1,\n "results": [,]}\n' \
	>"$SCRATCH/broken.json"
expect_exit 2 "$smtpconf" report "$SCRATCH/broken.json" -o "$SCRATCH/x.html"
expect_output "$SCRATCH/err" "broken\.json:3:14: expected a value"
printf '{"format": "smtpconf-results", "version": 9, "results": []}' \
	>"$SCRATCH/v9.json"
expect_exit 2 "$smtpconf" report --compare "$SCRATCH/v9.json" \
	"$SCRATCH/good.json"
expect_output "$SCRATCH/err" "v9\.json:1:43: .*version 9 is not supported"
expect_exit 2 "$smtpconf" report "$SCRATCH/missing.json" -o "$SCRATCH/x.html"
expect_output "$SCRATCH/err" "missing\.json"
[ -e "$SCRATCH/x.html" ] && die "a page was written from bad input"
expect_exit 2 "$smtpconf" report "$SCRATCH/good.json"
expect_exit 2 "$smtpconf" report --compare "$SCRATCH/good.json"
expect_exit 2 "$smtpconf" report --bogus "$SCRATCH/good.json"
expect_exit 0 "$smtpconf" report --help
expect_output "$SCRATCH/out" '^usage: smtpconf report'
exit 0
