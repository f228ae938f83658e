#!/usr/bin/env bash
# cli_shard.sh - `smtpconf run --shard K/N` and `smtpconf report
# --merge`: the shards of a suite are disjoint and together are the
# whole suite; a scenario's shard does not change when scenarios are
# added; the merged reports equal a single run's (timings aside); a
# missing, doubled or foreign shard is refused; the merge exits as
# `run` does on a MUST failure.
. "$(dirname "$0")/lib.sh"
smtpconf=$1 mock=$2 scenarios=$3
here=$(cd "$(dirname "$0")" && pwd)
scratch_dir
command -v python3 >/dev/null || { echo "python3 missing"; exit 77; }

# ids FILE... - the scenario ids of results files, one a line
ids() {
	python3 -c 'import json, sys
for p in sys.argv[1:]:
    for r in json.load(open(p))["results"]:
        print(r["id"])' "$@"
}

# run_to NAME ARGS... - a run against the mock; reports NAME.json/xml/html
run_to() {
	local name=$1
	shift
	"$smtpconf" run "$@" --target "127.0.0.1:$MOCK_PORT" --no-color -q \
		--json "$SCRATCH/$name.json" --junit "$SCRATCH/$name.xml" \
		--html "$SCRATCH/$name.html" >"$SCRATCH/$name.txt" 2>&1
}

start_mock "$mock" correct
run_to full "$scenarios" || die "full run failed"
for k in 1 2 3; do
	run_to "s$k" "$scenarios" --shard "$k/3" || die "shard $k/3 failed"
	expect_output "$SCRATCH/s$k.json" "\"shard_index\": $k"
done

# Disjoint, and together the whole suite.
ids "$SCRATCH/full.json" | sort >"$SCRATCH/all"
ids "$SCRATCH"/s[123].json | sort >"$SCRATCH/union"
[ -s "$SCRATCH/all" ] || die "no results"
[ -z "$(uniq -d "$SCRATCH/union")" ] || die "shards overlap: $(uniq -d "$SCRATCH/union")"
diff "$SCRATCH/all" "$SCRATCH/union" >&2 || die "shards are not the suite"
for k in 1 2 3; do
	[ "$(ids "$SCRATCH/s$k.json" | wc -l)" -gt 0 ] || die "shard $k empty"
done

# Merged (implied: every file is a shard of 3): the reports a single
# run writes.
expect_exit 0 "$smtpconf" report "$SCRATCH/s3.json" "$SCRATCH/s1.json" \
	"$SCRATCH/s2.json" -o "$SCRATCH/merged.html" \
	--json "$SCRATCH/merged.json" --junit "$SCRATCH/merged.xml"
expect_output "$SCRATCH/out" "^merged [0-9]+ results from 3 files"
python3 "$here/same_reports.py" "$SCRATCH" full merged json xml html ||
	die "merged reports differ from the single run's"

# Refused: a missing shard, a doubled one, a full run among shards.
expect_exit 2 "$smtpconf" report --merge "$SCRATCH/s1.json" \
	"$SCRATCH/s2.json" -o "$SCRATCH/x.html"
expect_output "$SCRATCH/err" "shard 3/3 is missing"
expect_exit 2 "$smtpconf" report --merge "$SCRATCH/s1.json" \
	"$SCRATCH/s1.json" "$SCRATCH/s2.json" "$SCRATCH/s3.json" \
	-o "$SCRATCH/x.html"
expect_output "$SCRATCH/err" "given twice"
expect_exit 2 "$smtpconf" report --merge "$SCRATCH/full.json" \
	"$SCRATCH/s1.json" -o "$SCRATCH/x.html"
expect_exit 2 "$smtpconf" report --merge "$SCRATCH/full.json" \
	"$SCRATCH/full.json" -o "$SCRATCH/x.html"
expect_output "$SCRATCH/err" "in more than one file"

# Stable: with a scenario added, every other one stays in its shard.
mkdir -p "$SCRATCH/extra/zz"
printf 'title: extra\nrfc: 5321 4.1.1.9\nlevel: MUST\n\nS: 220\nC: NOOP\nS: 250\nC: QUIT\nS: 221 closed\n' \
	>"$SCRATCH/extra/zz/added.smtp"
for k in 1 2 3; do
	run_to "e$k" "$scenarios" "$SCRATCH/extra" --shard "$k/3" ||
		die "shard $k/3 with the extra scenario failed"
	ids "$SCRATCH/e$k.json" | grep -v '^zz/added$' >"$SCRATCH/a"
	ids "$SCRATCH/s$k.json" >"$SCRATCH/b"
	diff "$SCRATCH/a" "$SCRATCH/b" >&2 || die "shard $k/3 changed"
done

# More shards than scenarios: empty shards are no error.
expect_exit 0 "$smtpconf" run "$SCRATCH/extra" --shard 2/64 \
	--target "127.0.0.1:$MOCK_PORT" -q
for bad in 0/3 4/3 3 1/0 1/65 x/2; do
	expect_exit 2 "$smtpconf" run "$scenarios" --shard "$bad" \
		--target "127.0.0.1:$MOCK_PORT"
done

# A MUST failure in one shard fails the merge, as it fails a run.
cleanup_mock() { kill "$MOCK_PID"; wait "$MOCK_PID" 2>/dev/null; }
cleanup_mock
start_mock "$mock" reply=QUIT:250
for k in 1 2; do
	run_to "f$k" "$scenarios" --only 'rfc5321/quit/*' \
		--only 'rfc5321/noop/*' --shard "$k/2"
done
expect_exit 1 "$smtpconf" report "$SCRATCH/f1.json" "$SCRATCH/f2.json" \
	--junit "$SCRATCH/f.xml"
expect_output "$SCRATCH/f.xml" "<failure"
exit 0
