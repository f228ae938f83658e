#!/usr/bin/env bash
# bench/suite.sh - the built-in suite at scale: wall time of the whole
# suite against one local Postfix with -j 1, 2, 4 and 8 (as Debian
# ships it, then with its error tarpit off), the slowest scenarios,
# and smtpconf's peak memory (max RSS) as the suite grows to 1x, 10x
# and 100x copies of itself (against the mock server, so the server's
# speed does not set the pace).  Prints a markdown table for docs/performance.md and
# keeps the raw lines in $BENCH_RESULTS/suite.tsv.
#
# usage: bench/suite.sh [SMTPCONF]   (default: build/smtpconf)
# Environment: BENCH_RESULTS (bench/results), BENCH_RUNS (3),
# BENCH_SCALES ("1 10 100"), BENCH_JOBS ("1 2 4 8").  Needs Postfix
# (ci/install-deps.sh) and the mock server built beside smtpconf.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
smtpconf=${1:-$top/build/smtpconf}
mock=$(dirname "$smtpconf")/tests/mock_smtpd
results=${BENCH_RESULTS:-$top/bench/results}
runs=${BENCH_RUNS:-3}
scales=${BENCH_SCALES:-1 10 100}
jobs=${BENCH_JOBS:-1 2 4 8}
. "$top/ci/mta/common.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/smtpconf-bench-suite.XXXXXX")
mock_pid=
cleanup() {
	"$top/ci/mta/postfix.sh" stop "$work/postfix" >/dev/null 2>&1 || true
	[ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null && wait "$mock_pid"
	rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$results"
tsv=$results/suite.tsv
printf 'what\tjobs\tscale\tscenarios\twall_s\tuser_s\tsys_s\tmaxrss_kb\n' >"$tsv"

# measure WHAT JOBS SCALE ARGS... - one run under /usr/bin/time
measure() {
	local what=$1 j=$2 scale=$3 n
	shift 3
	/usr/bin/time -f '%e\t%U\t%S\t%M' -o "$work/time" \
		"$smtpconf" run "$@" -j "$j" -q --no-color \
		--json "$work/r.json" >/dev/null 2>&1 || true
	n=$(grep -c '"id":' "$work/r.json" || true)
	printf '%s\t%s\t%s\t%s\t%s\n' "$what" "$j" "$scale" "$n" \
		"$(tail -n 1 "$work/time")" >>"$tsv"
}

# suite_against WHAT - the suite against the Postfix now running, -j 1
# .. 8, BENCH_RUNS times each; the first -j 1 report is kept to name
# the slowest scenarios.
suite_against() {
	local what=$1 j
	for j in $jobs; do
		for _ in $(seq 1 "$runs"); do
			measure "$what" "$j" 1 "$top/scenarios" \
				--target "127.0.0.1:$port"
			[ -e "$work/$what.json" ] || cp "$work/r.json" "$work/$what.json"
		done
	done
	"$top/ci/mta/postfix.sh" stop "$work/postfix" >/dev/null
}

# Postfix as Debian ships it, then the same with its error tarpit off
# (smtpd_error_sleep_time = 0): the difference is the time Postfix
# sleeps on purpose before its error replies, not smtpconf's.
port=$(free_port)
"$top/ci/mta/postfix.sh" start "$work/postfix" "$port" >/dev/null
suite_against postfix
POSTFIX_SETTINGS='smtpd_error_sleep_time = 0s' \
	"$top/ci/mta/postfix.sh" start "$work/postfix" "$port" >/dev/null
suite_against postfix-no-tarpit

# Peak memory against the mock: the suite copied 1x, 10x, 100x.
"$mock" --port 0 --port-file "$work/mock.port" --max-sessions 1024 \
	>/dev/null 2>&1 &
mock_pid=$!
for _ in $(seq 1 100); do [ -s "$work/mock.port" ] && break; sleep 0.05; done
for scale in $scales; do
	rm -rf "$work/suite"
	for i in $(seq 1 "$scale"); do
		mkdir -p "$work/suite/copy$i"
		cp -r "$top/scenarios/." "$work/suite/copy$i/"
	done
	measure mock 2 "$scale" "$work/suite" \
		--target "127.0.0.1:$(cat "$work/mock.port")" \
		--html "$work/r.html" --junit "$work/r.xml"
done

# The markdown: medians for Postfix, the slowest scenarios, every
# memory run.
python3 - "$tsv" "$work/postfix.json" "$work/postfix-no-tarpit.json" <<'PY'
import csv, json, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
names = {"postfix": "Postfix", "postfix-no-tarpit": "Postfix, tarpit off"}
print("| suite against | -j | scenarios | wall s (median) | user+sys s | max RSS MiB |")
print("|---|---|---|---|---|---|")
for what in names:
    for j in sorted({r["jobs"] for r in rows if r["what"] == what}, key=int):
        rs = [r for r in rows if r["what"] == what and r["jobs"] == j]
        wall = statistics.median(float(r["wall_s"]) for r in rs)
        cpu = statistics.median(float(r["user_s"]) + float(r["sys_s"]) for r in rs)
        rss = max(int(r["maxrss_kb"]) for r in rs) / 1024
        print(f"| {names[what]} | {j} | {rs[0]['scenarios']} | {wall:.2f} | {cpu:.2f} | {rss:.1f} |")
print()
print("| slowest scenarios, -j 1 | " + " | ".join(names.values()) + " |")
print("|---|" + "---:|" * len(names))
ms = []
for path in sys.argv[2:]:
    doc = json.load(open(path))
    ms.append({r["id"]: r["duration_ms"] for r in doc["results"]})
for sid in sorted(ms[0], key=lambda k: -ms[0][k])[:5]:
    print(f"| `{sid}` | " + " | ".join(f"{m.get(sid, 0) / 1000:.2f} s" for m in ms) + " |")
rest = [sum(v for k, v in m.items()) / 1000 for m in ms]
print("| all scenarios, one after another | " + " | ".join(f"{r:.2f} s" for r in rest) + " |")
print()
print("| suite copies (mock, -j 2) | scenarios | wall s | max RSS MiB |")
print("|---|---|---|---|")
for r in rows:
    if r["what"] == "mock":
        print(f"| {r['scale']}x | {r['scenarios']} | {float(r['wall_s']):.2f} | {int(r['maxrss_kb']) / 1024:.1f} |")
PY
