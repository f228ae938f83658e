#!/usr/bin/env bash
# cli_browser.sh - the HTML report in a real browser: headless Chromium
# (Debian's `chromium`) opens the page from a file:// URL and must show
# it without a single console message (no script error, no Content-
# Security-Policy violation, no blocked fetch), run the filter script,
# honour the #filter=... fragment, show everything when the script does
# not run, and never turn hostile server text into elements.  A screenshot is
# kept in the scratch directory and, when SMTPCONF_REPORT_DIR is set,
# copied there with the page.
#
# Exit 77 (skip) when Chromium is not installed, unless
# SMTPCONF_REQUIRE_BROWSER=1 (CI installs it and sets that).
# SMTPCONF_BROWSER names another Chromium binary.
. "$(dirname "$0")/lib.sh"
smtpconf=$1 mock=$2 scenarios=$3

browser=${SMTPCONF_BROWSER:-$(command -v chromium || true)}
if [ -z "$browser" ] || [ ! -x "$browser" ]; then
	[ "${SMTPCONF_REQUIRE_BROWSER:-0}" = 1 ] &&
		die "chromium not found and SMTPCONF_REQUIRE_BROWSER=1"
	echo "SKIP: chromium is not installed (apt-get install chromium)"
	exit 77
fi
scratch_dir
html=$SCRATCH/report.html

# chrome NAME URL ARGS... - one headless run; stdout to NAME.out, the
# browser's log (console messages included) to NAME.log
chrome() {
	local name=$1 url=$2
	shift 2
	mkdir -p "$SCRATCH/$name.profile" "$SCRATCH/home"
	HOME=$SCRATCH/home timeout 90 "$browser" --headless --no-sandbox \
		--disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update \
		--disable-sync --disable-dev-shm-usage --hide-scrollbars \
		--user-data-dir="$SCRATCH/$name.profile" \
		--enable-logging=stderr --v=0 "$@" "$url" \
		>"$SCRATCH/$name.out" 2>"$SCRATCH/$name.log"
}

# quiet_console NAME - the page logged nothing: no error, no violation
quiet_console() {
	if grep -q ':CONSOLE' "$SCRATCH/$1.log"; then
		grep ':CONSOLE' "$SCRATCH/$1.log" >&2
		die "$1: the page wrote to the console"
	fi
}

# articles NAME - one line per result row of a DOM dump:
# VERDICT LEVEL shown|hidden ID
articles() {
	local attrs='class="([^"]*)" id="([^"]*)" data-verdict="([^"]*)"'
	attrs+=' data-level="([^"]*)"'
	grep -o '<article [^>]*>' "$SCRATCH/$1.out" |
		sed -E "s/.*$attrs.*/\\3 \\4 \\2 \\1/" |
		awk '{ s = "shown"
		       for (i = 4; i <= NF; i++)
			       if ($i == "hidden") s = "hidden"
		       print $1, $2, s, $3 }'
}

# expect_rows NAME AWK-CONDITION - exactly the rows matching it shown
expect_rows() {
	local bad shown
	articles "$1" >"$SCRATCH/$1.rows"
	[ "$(wc -l <"$SCRATCH/$1.rows")" = "$total" ] ||
		die "$1: $(wc -l <"$SCRATCH/$1.rows") rows, expected $total"
	bad=$(awk "{ want = ($2) ? \"shown\" : \"hidden\" }
		   \$3 != want" "$SCRATCH/$1.rows")
	[ -z "$bad" ] || die "$1: rows shown or hidden wrongly: $bad"
	shown=$(grep -c ' shown ' "$SCRATCH/$1.rows")
	echo "$1: $shown of $total rows shown"
}

# row_of ID - the row (article id) of scenario ID in the page
row_of() {
	awk -v code="<code>$1</code>" '
		match($0, /^<article [^>]* id="r[0-9]+"/) {
			row = substr($0, RSTART, RLENGTH)
			sub(/.* id="/, "", row); sub(/"$/, "", row)
		}
		index($0, code) { print row; exit }' "$html"
}

# A report with every kind of section, and hostile text in it.
mkdir -p "$SCRATCH/hostile"
cp "$(dirname "$0")/hostile-scenario/evil.smtp" "$SCRATCH/hostile/"
printf 'rfc5321/unknown-verb/digits  closes on digits by design\n' \
	>"$SCRATCH/waivers"
start_mock "$mock" unknown-502,rset-no-reset
expect_exit 1 "$smtpconf" run "$scenarios" "$SCRATCH/hostile" \
	--target "127.0.0.1:$MOCK_PORT" --step-timeout 2s --no-color \
	--waivers "$SCRATCH/waivers" --html "$html"
kill "$MOCK_PID"; wait "$MOCK_PID" 2>/dev/null; MOCK_PID=""
total=$(grep -o '<article class="sc' "$html" | wc -l)
[ "$total" -gt 10 ] || die "too few results in the report ($total)"

# Without JavaScript: the same page with one byte of its script changed,
# so that the policy's hash no longer matches and the browser refuses
# to run it (a better check than turning scripts off, which also stops
# --dump-dom).
sed 's/"use strict";/"use strict"; /' "$html" >"$SCRATCH/nojs.html"
cmp -s "$html" "$SCRATCH/nojs.html" && die "could not alter the script"

# Two browsers at a time: each takes seconds to start, more in parallel
# only thrash a small machine.
url=file://$html
chrome plain "$url" --dump-dom --screenshot="$SCRATCH/report.png" \
	--window-size=1280,2000 &
chrome fail "$url#filter=fail" --dump-dom &
wait
chrome should "$url#filter=fail,waived&level=SHOULD" --dump-dom &
chrome search "$url#q=rset%2Fclears-transaction" --dump-dom &
wait
chrome tag "$url#tag=hostile" --dump-dom &
chrome nojs "file://$SCRATCH/nojs.html" --dump-dom &
wait

# Loaded cleanly, the script ran and revealed the filters.
for run in plain fail should search tag; do
	quiet_console "$run"
done
expect_output "$SCRATCH/plain.out" '<html lang="en" class="js">'
expect_output "$SCRATCH/plain.out" '<form id="filters">'
expect_rows plain '1'
# Hostile text stayed text: no element came out of it.
grep -Eqi '<img|<svg[^>]*onload|<textarea|onerror="' "$SCRATCH/plain.out" &&
	die "hostile text became markup"
[ "$(grep -oi '<script' "$SCRATCH/plain.out" | wc -l)" = 1 ] ||
	die "a script element appeared"
expect_output "$SCRATCH/plain.out" '&lt;script&gt;alert\(2\)&lt;/script&gt;'

# The filters, preset from the URL fragment.
expect_rows fail '$1 == "fail"'
expect_rows should '($1 == "fail" || $1 == "waived") && $2 == "SHOULD"'
grep -q ' shown ' "$SCRATCH/should.rows" || die "should: nothing shown"
expect_rows search "\$4 == \"$(row_of rfc5321/rset/clears-transaction)\""
expect_rows tag "\$4 == \"$(row_of evil)\""
for run in search tag; do
	[ "$(grep -c ' shown ' "$SCRATCH/$run.rows")" = 1 ] ||
		die "$run: one row expected"
done

# The refused script: the policy said so, and everything is still
# there, nothing hidden, the filter form left hidden.
expect_output "$SCRATCH/nojs.log" \
	'CONSOLE.*violates the following Content Security Policy directive .script-src'
grep -q 'class="js"' "$SCRATCH/nojs.out" && die "nojs: the script ran"
expect_output "$SCRATCH/nojs.out" '<form id="filters" hidden="">'
expect_rows nojs '1'

# The screenshot, for people and for the CI artefacts.
[ "$(head -c 8 "$SCRATCH/report.png" | od -An -tx1 | tr -d ' \n')" = \
	89504e470d0a1a0a ] || die "no PNG screenshot"
if [ -n "${SMTPCONF_REPORT_DIR:-}" ]; then
	mkdir -p "$SMTPCONF_REPORT_DIR"
	cp "$SCRATCH/report.png" "$SMTPCONF_REPORT_DIR/browser-report.png"
	cp "$html" "$SMTPCONF_REPORT_DIR/browser-report.html"
fi
exit 0
