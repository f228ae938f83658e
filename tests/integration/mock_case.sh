#!/usr/bin/env bash
# mock_case.sh SMTPCONF MOCK SCENARIOS ID MODES VERDICT [REASON-ERE]
#
# Runs one scenario against the mock server in the given modes and
# checks the verdict smtpconf prints (PASS, FAIL, SKIP, ERROR) and,
# for failures, that the explanation matches REASON-ERE.  This is how
# every check earns its place twice: once quiet on the correct mock,
# once firing on a mode that breaks exactly its rule.

#
# Scenarios that take minutes (`slow: yes`) run with --slow and a
# server_timeout of 8 s instead of RFC 5321's 300 (the idle modes set
# the mock's own timeout).  Scenarios with a `shutdown` step need a
# server smtpconf manages: for them smtpconf starts the mock itself
# (--spawn) on a free port.
. "$(dirname "$0")/lib.sh"

smtpconf=$1 mock=$2 scenarios=$3 id=$4 modes=$5 verdict=$6 reason=${7:-}
scratch_dir
# The mock's test account (tests/mock/README.md) for the AUTH scenarios
# that need credentials (when: $auth_user).
args=(--only "$id" --step-timeout 2s --no-color --json "$SCRATCH/r.json"
      --slow --var server_timeout=8
      --auth-user smtpconf --auth-pass smtpconf-secret)
if grep -Eq '^[[:space:]]*shutdown([[:space:]]|$)' "$scenarios/$id.smtp"
then
	mode_arg=""
	[ "$modes" != correct ] && mode_arg="--mode $modes"
	for _ in $(seq 1 200); do
		port=$((20000 + RANDOM % 12000))
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
	done
	args+=(--target "127.0.0.1:$port"
	       --spawn "$mock --port \${port} $mode_arg")
else
	start_mock "$mock" "$modes"
	args+=(--target "127.0.0.1:$MOCK_PORT")
fi
"$smtpconf" run "$scenarios" "${args[@]}" >"$SCRATCH/out" 2>"$SCRATCH/err"
rc=$?
cat "$SCRATCH/out"
label=$(echo "$verdict" | tr '[:lower:]' '[:upper:]')
grep -Eq "^$label +[A-Za-z]+ +$id:" "$SCRATCH/out" ||
	die "expected $label for $id in mode '$modes'"
# A skip's reason is on the terminal only with -v; the JSON has it.
if [ -n "$reason" ]; then
	grep -Eq -- "$reason" "$SCRATCH/out" "$SCRATCH/r.json" ||
		die "the explanation does not match /$reason/"
fi
case $label in
PASS|SKIP) [ $rc = 0 ] || die "exit status $rc for a $label" ;;
esac
[ -s "$SCRATCH/r.json" ] || die "no JSON report written"
grep -q "\"verdict\": \"$verdict\"" "$SCRATCH/r.json" ||
	die "JSON report does not record verdict $verdict"
exit 0
