#!/usr/bin/env bash
# mock_case.sh SMTPCONF MOCK SCENARIOS ID MODES VERDICT [REASON-ERE]
#
# Runs one scenario against the mock server in the given modes and
# checks the verdict smtpconf prints (PASS, FAIL, SKIP, ERROR) and,
# for failures, that the explanation matches REASON-ERE.  This is how
# every check earns its place twice: once quiet on the correct mock,
# once firing on a mode that breaks exactly its rule.
. "$(dirname "$0")/lib.sh"

smtpconf=$1 mock=$2 scenarios=$3 id=$4 modes=$5 verdict=$6 reason=${7:-}
scratch_dir
start_mock "$mock" "$modes"
"$smtpconf" run "$scenarios" --only "$id" --target "127.0.0.1:$MOCK_PORT" \
	--step-timeout 2s --no-color --json "$SCRATCH/r.json" \
	>"$SCRATCH/out" 2>"$SCRATCH/err"
rc=$?
cat "$SCRATCH/out"
label=$(echo "$verdict" | tr '[:lower:]' '[:upper:]')
grep -Eq "^$label +[A-Za-z]+ +$id:" "$SCRATCH/out" ||
	die "expected $label for $id in mode '$modes'"
if [ -n "$reason" ]; then
	grep -Eq -- "$reason" "$SCRATCH/out" ||
		die "the explanation does not match /$reason/"
fi
case $label in
PASS|SKIP) [ $rc = 0 ] || die "exit status $rc for a $label" ;;
esac
[ -s "$SCRATCH/r.json" ] || die "no JSON report written"
grep -q "\"verdict\": \"$verdict\"" "$SCRATCH/r.json" ||
	die "JSON report does not record verdict $verdict"
exit 0
