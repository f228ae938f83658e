#!/usr/bin/env bash
# cli_html.sh - `smtpconf run --html FILE` against the mock server: the
# page is written atomically (a new file renamed over the old one, no
# temporary file left), holds the same results as the JSON report,
# shows a failure with its marked step, and stays inert when the
# dialogue is full of markup and control bytes.
. "$(dirname "$0")/lib.sh"
smtpconf=$1 mock=$2 scenarios=$3
scratch_dir
html=$SCRATCH/rep/r.html
mkdir -p "$SCRATCH/rep"

run() {
	"$smtpconf" run "$@" --target "127.0.0.1:$MOCK_PORT" \
		--step-timeout 2s --no-color --html "$html" \
		--json "$SCRATCH/rep/r.json"
}

# stop_mock - stop the mock server started last
stop_mock() {
	kill "$MOCK_PID"
	wait "$MOCK_PID" 2>/dev/null
	MOCK_PID=""
}

# count_of FILE ERE - lines of FILE matching ERE
count_of() {
	grep -Ec -- "$2" "$1"
}

# check_page - the shape every report has
check_page() {
	head -c 16 "$html" | grep -q '^<!DOCTYPE html>' || die "not HTML"
	tail -n 1 "$html" | grep -q '^</html>$' || die "page not complete"
	expect_output "$html" \
		"http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'"
	[ "$(grep -oi '<script' "$html" | wc -l)" = 1 ] ||
		die "more than the one inline script"
	grep -Eqi '<(img|iframe|object|embed)|<link rel="stylesheet"' \
		"$html" && die "the page loads something"
	ls -A "$SCRATCH/rep" | grep -q tmp && die "temporary files left behind"
	# Same results as the JSON report: one article per result.
	total=$(grep -Eo '"total": [0-9]+' "$SCRATCH/rep/r.json" |
		grep -Eo '[0-9]+$')
	[ "$(grep -o '<article class="sc' "$html" | wc -l)" = "$total" ] ||
		die "the page does not hold the $total results"
}

# A correct server: no failures; a stale page is replaced by rename.
start_mock "$mock" correct
echo "stale" >"$html"
ln "$html" "$SCRATCH/old-link"
expect_exit 0 run "$scenarios"
check_page
[ "$(cat "$SCRATCH/old-link")" = stale ] ||
	die "the old page was rewritten in place, not replaced"
expect_output "$html" '<h2>Failures \(0\)</h2>'
# Green only when nothing failed and nothing could not run.
errors=$(grep -Eo '"error": [0-9]+' "$SCRATCH/rep/r.json" | grep -Eo '[0-9]+$')
if [ "$errors" = 0 ]; then
	expect_output "$html" '<p class="headline good">'
else
	expect_output "$html" "<p class=\"headline bad\">$errors errors"
fi
expect_output "$html" \
	'<details class="fold group" id="passed"><summary>Passed \([0-9]+\)'
stop_mock

# A MUST failure: shown first, with its failing step marked.
start_mock "$mock" rset-no-reset
expect_exit 1 run "$scenarios"
check_page
expect_output "$html" '<p class="headline bad">1 failed \(1 MUST\)'
expect_output "$html" \
	'<article class="sc v-fail" id="r[0-9]+" data-verdict="fail" data-level="MUST"'
expect_output "$html" '<code>rfc5321/rset/clears-transaction</code>'
expect_output "$html" 'rfc-editor.org/rfc/rfc5321#section-4.1.1.5'
expect_output "$html" '<div class="reply failed".*failed here'
[ "$(count_of "$html" 'failed here')" = 1 ] || die "one failing step expected"
stop_mock

# SHOULD failures and a waiver, each in its section.
start_mock "$mock" unknown-502
printf 'rfc5321/unknown-verb/digits  closes on digits by design\n' \
	>"$SCRATCH/waivers"
expect_exit 0 run "$scenarios" --only 'rfc5321/unknown-verb/*' \
	--waivers "$SCRATCH/waivers"
check_page
expect_output "$html" '<section id="waived" class="group">'
expect_output "$html" '<b>Waived:</b> closes on digits by design'
expect_output "$html" '<span class="lvl l-should">SHOULD</span>'
grep -q '<dt>Reply 502</dt><dd><b>Command not implemented</b>' "$html" ||
	die "the meaning of 502 is not shown"

# Hostile text in the dialogue: shown escaped, never as markup.
mkdir -p "$SCRATCH/hostile"
cp "$(dirname "$0")/hostile-scenario/evil.smtp" "$SCRATCH/hostile/"
expect_exit 1 run "$SCRATCH/hostile"
check_page
grep -Eqi '<svg onload|<img|</textarea' "$html" && die "markup got through"
expect_output "$html" \
	'&lt;script&gt;alert\(1\)&lt;/script&gt; &quot;&#39;&gt;&lt;img'
expect_output "$html" \
	'XYZZY &lt;script&gt;alert\(2\)&lt;/script&gt;\\x1b\[31m\\xff\\xfe\\xe2\\x80\\xae\\0'
LC_ALL=C grep -q "$(printf '[\001-\010\013\014\016-\037\177]')" "$html" &&
	die "raw control bytes in the page"
stop_mock

# Nothing listens: exit 3, and the page says why.
expect_exit 3 run "$scenarios" --only 'rfc5321/quit/*'
check_page
expect_output "$html" '<dt>Reachable</dt><dd><b>no</b></dd>'
expect_output "$html" '<section id="errors" class="group">'

# A page that cannot be written is an error, not a silent pass.
start_mock "$mock" correct
expect_exit 2 "$smtpconf" run "$scenarios" --only 'rfc5321/noop/*' \
	--target "127.0.0.1:$MOCK_PORT" --html "$SCRATCH/no/such/dir/r.html"
expect_output "$SCRATCH/err" 'r\.html'
exit 0
