#!/usr/bin/env bash
# mta_matrix.sh - ci/kit/matrix.sh end to end: the built-in suite
# against Postfix, Exim, OpenSMTPD and aiosmtpd, each started from
# Debian's packages with its ci/mta script, then the comparison page.
# Passes when the script exits 0 (every server clean at MUST with its
# waivers), wrote each server's JSON, JUnit and HTML, and the page has
# one column per server and one row per scenario whose every cell is
# that server's verdict in its own JSON.  Exit 77 (skip) when root or
# a server is missing, unless SMTPCONF_REQUIRE_MTA=1 (CI).
. "$(dirname "$0")/lib_mta.sh" "$@"

[ "$(id -u)" = 0 ] || mta_skip "Postfix, Exim and OpenSMTPD need root"
[ -x /usr/sbin/postfix ] ||
	mta_skip "postfix is not installed (ci/install-deps.sh installs it)"
"$top/ci/mta/exim.sh" install >/dev/null ||
	mta_skip "Exim is not available (ci/install-deps.sh fetches it)"
"$top/ci/mta/opensmtpd.sh" install >/dev/null ||
	mta_skip "OpenSMTPD is not available (ci/install-deps.sh fetches it)"
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null ||
	mta_skip "python3-aiosmtpd is not installed" \
		"(ci/install-deps.sh installs it)"

scratch_dir
out=$SCRATCH/matrix
MATRIX_REQUIRE=1 "$top/ci/kit/matrix.sh" "$smtpconf" "$out" \
	>"$SCRATCH/log" 2>&1
rc=$?
cat "$SCRATCH/log"
[ "$rc" = 0 ] || die "matrix.sh exited $rc"
for mta in postfix exim opensmtpd aiosmtpd; do
	for ext in json xml html; do
		[ -s "$out/$mta.$ext" ] || die "matrix.sh wrote no $mta.$ext"
	done
	expect_output "$SCRATCH/log" "^$mta: smtpconf exited 0\$"
done
expect_output "$SCRATCH/log" "^matrix: $out/matrix.html\$"

/usr/bin/python3 - "$out" <<'PY' || die "matrix.html disagrees with the runs"
import html, json, re, sys

out = sys.argv[1]
page = open(f"{out}/matrix.html", encoding="utf-8").read()
runs = {}
for mta in ("postfix", "exim", "opensmtpd", "aiosmtpd"):
    doc = json.load(open(f"{out}/{mta}.json", encoding="utf-8"))
    runs[doc["target"]] = {r["id"]: r["verdict"]
                                  for r in doc["results"]}

# The header: one column per server, named by its target.
head = re.search(r'<table class="runs"><tr><th>scenario</th>'
                 r'<th>level</th>(.*?)</tr>', page, re.S)
targets = [html.unescape(t) for t in
           re.findall(r"<th>([^<]*)<small>", head.group(1))]
if sorted(targets) != sorted(runs):
    sys.exit(f"columns {targets}, runs {sorted(runs)}")

# Every row: the scenario, then each column's verdict badge.
ids = set().union(*runs.values())
rows = re.findall(r"<tr><td><code>([^<]*)</code></td><td>.*?</td>"
                  r"((?:<td>.*?</td>)+)</tr>", page)
seen, differ = set(), 0
for sid, cells in rows:
    sid = html.unescape(sid)
    if sid not in ids:
        continue
    got = re.findall(r"<td>(?:<span class=\"badge v-([a-z]+)\">|&mdash;)",
                     cells)
    want = [runs[t].get(sid, "") for t in targets]
    if got != want:
        sys.exit(f"{sid}: page {got}, runs {want}")
    seen.add(sid)
    differ += len(set(want)) > 1
if seen != ids:
    sys.exit(f"rows missing: {sorted(ids - seen)[:5]}")
# Four different servers disagree somewhere: that is the page's point.
if differ == 0:
    sys.exit("no scenario where the servers differ")
print(f"matrix: {len(seen)} rows, {len(targets)} servers, "
      f"{differ} rows where they differ")
PY
exit 0
