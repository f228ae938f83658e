#!/usr/bin/env bash
# cli_fuzz.sh - `smtpconf fuzz` against the mock server it spawns: no
# finding on the correct mock (and the sessions get deep: MAIL, RCPT,
# DATA), each oracle firing on the mode that breaks it (the planted
# crash on TURN, which no seed sends, a sanitizer report, a
# close without 421, a bare-LF reply, a hang; a crash on XCLIENT, which
# only the dictionary knows), every finding saved as
# a scenario that `smtpconf run` replays to the same verdict on the
# broken mock and passes on the correct one.
. "$(dirname "$0")/lib.sh"
smtpconf=$1 mock=$2
DICT=$(cd "$(dirname "$0")/../../fuzz" && pwd)/smtp.dict
scratch_dir

# fuzz MODES ARGS... - fuzz the mock under MODES
fuzz() {
	local modes=$1
	shift
	"$smtpconf" fuzz --target "127.0.0.1:$PORT" \
		--spawn "$mock --port \${port} --mode $modes" "$@"
}

# replay FILE MODES - smtpconf run on the finding with the mock spawned
replay() {
	"$smtpconf" run "$1" --target "127.0.0.1:$PORT" --no-color \
		--spawn "$mock --port \${port} --mode $2"
}

# one_finding DIR KIND - the single file a run left in DIR
one_finding() {
	local files=("$1"/"$2"-*.smtp)
	[ "${#files[@]}" = 1 ] && [ -f "${files[0]}" ] ||
		die "expected one $2 finding in $1, found: $(ls "$1")"
	FINDING=${files[0]}
}

pick_port

# Usage errors: exit 2 before anything runs.
expect_exit 2 "$smtpconf" fuzz
expect_exit 2 "$smtpconf" fuzz --target "127.0.0.1:$PORT" --runs 0
expect_exit 2 "$smtpconf" fuzz --target "127.0.0.1:$PORT" --seed x
expect_exit 2 "$smtpconf" fuzz --target "127.0.0.1:$PORT" \
	--dict "$SCRATCH/none.dict"
printf '# ok\nverb="EHLO "\nbroken\n' >"$SCRATCH/bad.dict"
expect_exit 2 "$smtpconf" fuzz --target "127.0.0.1:$PORT" \
	--dict "$SCRATCH/bad.dict"
expect_output "$SCRATCH/err" "bad.dict:3: bad dictionary entry"
# Nothing listens: unreachable is exit 3.
expect_exit 3 "$smtpconf" fuzz --target "127.0.0.1:$PORT" --runs 1

# The correct mock: no finding, and the mutated sessions reach deep.
expect_exit 0 fuzz correct --runs 200 --seed 7 --findings "$SCRATCH/none"
expect_output "$SCRATCH/out" "^fuzz: 200 sessions"
expect_output "$SCRATCH/out" "^findings: 0 "
expect_output "$SCRATCH/out" "MAIL [1-9][0-9]+ RCPT [1-9][0-9]+ DATA [1-9]"
[ ! -e "$SCRATCH/none" ] || die "a finding on the correct mock"

# The planted crash: no seed session has TURN; the mutator inserts it.
expect_exit 3 fuzz crash-on=TURN --seed 1 --runs 1000 \
	--findings "$SCRATCH/crash"
expect_output "$SCRATCH/out" "^FINDING crash in session [0-9]+: server crashed: killed by signal 6"
expect_output "$SCRATCH/out" "^  replay: error: server crashed"
one_finding "$SCRATCH/crash" crash
expect_output "$FINDING" '^R: "TURN'
expect_exit 3 replay "$FINDING" crash-on=TURN
expect_output "$SCRATCH/out" "ERROR.*server crashed: killed by signal 6"
expect_exit 0 replay "$FINDING" correct

# A crash planted on a verb only the dictionary has (XCLIENT, in no
# seed and no built-in table): the mutator's whole-command insertion
# of dictionary verbs finds it (seeds 1-13: in session 6 to 199, seed
# 1 in 84), where 3000 sessions did not before.  The bound is loose:
# a loaded machine can change which unsure replies arrive in time.
expect_exit 3 fuzz crash-on=XCLIENT --seed 1 --runs 1000 \
	--dict "$DICT" --findings "$SCRATCH/xclient"
expect_output "$SCRATCH/out" "^FINDING crash in session [0-9]+: server crashed: killed by signal 6"
one_finding "$SCRATCH/xclient" crash
expect_output "$FINDING" '^R: "XCLIENT'
expect_exit 3 replay "$FINDING" crash-on=XCLIENT
expect_exit 0 replay "$FINDING" correct

# A sanitizer report in the server's output is a crash too.
expect_exit 3 fuzz asan-report-on=EXPN --seed 1 --runs 500 \
	--findings "$SCRATCH/asan"
expect_output "$SCRATCH/out" "^FINDING crash .*AddressSanitizer"
one_finding "$SCRATCH/asan" crash
expect_exit 3 replay "$FINDING" asan-report-on=EXPN

# A close without 421 or 221 (RFC 5321 3.8).
expect_exit 1 fuzz close-after=3 --seed 1 --findings "$SCRATCH/close"
one_finding "$SCRATCH/close" close
expect_exit 1 replay "$FINDING" close-after=3
expect_output "$SCRATCH/out" "FAIL +MUST .*closed the connection"
expect_exit 0 replay "$FINDING" correct

# A reply that breaks the grammar (bare LF, RFC 5321 2.3.8).
expect_exit 1 fuzz reply-bare-lf --seed 1 --findings "$SCRATCH/grammar"
one_finding "$SCRATCH/grammar" grammar
expect_exit 1 replay "$FINDING" reply-bare-lf
expect_output "$SCRATCH/out" "FAIL +MUST .*reply syntax"
expect_exit 0 replay "$FINDING" correct

# A hang: replies slower than the bound.
expect_exit 1 fuzz delay=3000 --hang-timeout 1s --no-minimize \
	--findings "$SCRATCH/hang"
one_finding "$SCRATCH/hang" hang
expect_output "$FINDING" "^step-timeout: 1000ms"
expect_exit 1 replay "$FINDING" delay=3000
expect_output "$SCRATCH/out" "^ +.*hung"
expect_exit 0 replay "$FINDING" correct
exit 0
