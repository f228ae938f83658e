#!/usr/bin/env bash
# cli_spawn.sh - `smtpconf run --spawn`: the harness starts the mock
# server itself, restarts it after a crash, charges the crash to the
# scenario that caused it (ERROR, exit 3), finds sanitizer reports in
# its output and core files its processes leave, attaches its output
# to each result, and runs the shutdown scenarios, which are skipped when
# no server is managed.
. "$(dirname "$0")/lib.sh"
smtpconf=$1 mock=$2 scenarios=$3
scratch_dir

# spawn MODES ARGS... - run with the mock started by smtpconf
spawn() {
	local modes=$1
	shift
	"$smtpconf" run "$scenarios" --target "127.0.0.1:$PORT" \
		--spawn "$mock --port \${port} --mode $modes" \
		--step-timeout 2s --no-color --json "$SCRATCH/r.json" "$@"
}

# no_server_left - the run stopped what it started
no_server_left() {
	if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
		die "a server still listens on $PORT after the run"
	fi
}

pick_port

# The whole suite against the correct mock: every check passes, the
# shutdown scenarios included (they need the managed server).
expect_exit 0 spawn correct
expect_output "$SCRATCH/out" "^[0-9]+ passed, 0 failed"
expect_output "$SCRATCH/out" "^PASS +SHOULD +rfc5321/shutdown/421-to-open-sessions:"
expect_output "$SCRATCH/out" "^PASS +SHOULD +rfc5321/shutdown/421-during-data:"
no_server_left

# What the server prints during each scenario is attached to that
# scenario's result, passes included: the mock logs every transfer
# with --verbose.  JSON, JUnit <system-out> and HTML carry it, and a
# scenario gets its own lines, not the ones of the scenario before.
# One at a time (-j 1): scenarios running side by side share the
# server's output (docs/performance.md).
expect_exit 0 "$smtpconf" run "$scenarios" --target "127.0.0.1:$PORT" \
	--spawn "$mock --port \${port} --verbose" --no-color -j 1 \
	--only rfc5321/noop/basic --only rfc5321/quit/basic \
	--json "$SCRATCH/v.json" --junit "$SCRATCH/v.xml" \
	--html "$SCRATCH/v.html"
expect_output "$SCRATCH/v.json" '"server_output": "mock_smtpd\[[0-9]+\] S: 220 '
expect_output "$SCRATCH/v.xml" '<system-out>'
expect_output "$SCRATCH/v.xml" '\|  mock_smtpd\[[0-9]+\] C: NOOP'
expect_output "$SCRATCH/v.html" 'Server output'
python3 - "$SCRATCH/v.json" <<'PY' || die "server output not split per scenario"
import json, sys
res = {r["id"]: r["server_output"] or "" for r in json.load(open(sys.argv[1]))["results"]}
assert "C: NOOP" in res["rfc5321/noop/basic"], res
assert "C: NOOP" not in res["rfc5321/quit/basic"], res
assert "C: QUIT" in res["rfc5321/quit/basic"], res
PY
no_server_left

# A fresh server per scenario changes nothing for a correct server.
expect_exit 0 spawn correct --restart-each --only 'rfc5321/noop/*' \
	--only 'rfc5321/quit/*'
expect_output "$SCRATCH/out" "^[0-9]+ passed, 0 failed"
no_server_left

# crash-on=NOOP: the server dies by SIGABRT.  The scenario that sent
# NOOP is an ERROR saying so; the scenarios after it still run on a
# restarted server; exit 3.
expect_exit 3 spawn crash-on=NOOP --only 'rfc5321/noop/basic' \
	--only 'rfc5321/quit/*'
expect_output "$SCRATCH/out" "^ERROR +MUST +rfc5321/noop/basic:"
expect_output "$SCRATCH/out" "server crashed: killed by signal 6 \(SIGABRT.*after .NOOP. \(line [0-9]+\)"
expect_output "$SCRATCH/out" "^PASS +MUST +rfc5321/quit/basic:"
expect_output "$SCRATCH/r.json" '"crashed": true'
expect_output "$SCRATCH/r.json" '"server_output": "'
no_server_left

# hang-on=NOOP: the server never answers NOOP.  A hang, a MUST
# failure; the session is abandoned and the server restarted, so the
# next scenario runs on a fresh one.
expect_exit 1 spawn hang-on=NOOP --only 'rfc5321/noop/basic' \
	--only 'rfc5321/quit/basic'
expect_output "$SCRATCH/out" "^FAIL +MUST +rfc5321/noop/basic:"
expect_output "$SCRATCH/out" "server hung after .NOOP."
expect_output "$SCRATCH/err" "stopped answering in the last scenario; restarting it"
expect_output "$SCRATCH/out" "^PASS +MUST +rfc5321/quit/basic:"
no_server_left

# exit-on=NOOP: the server exits with status 1.
expect_exit 3 spawn exit-on=NOOP --only 'rfc5321/noop/basic'
expect_output "$SCRATCH/out" "server crashed: exited with status 1 after .NOOP."

# asan-report-on=NOOP: the server keeps serving, but its report is
# found in its output and charged to the scenario.
expect_exit 3 spawn asan-report-on=NOOP --only 'rfc5321/noop/basic' \
	--only 'rfc5321/quit/basic'
expect_output "$SCRATCH/out" "^ERROR +MUST +rfc5321/noop/basic:"
expect_output "$SCRATCH/out" "printed an AddressSanitizer report after .NOOP."
expect_output "$SCRATCH/out" "ERROR: AddressSanitizer: heap-buffer-overflow"
expect_output "$SCRATCH/out" "^PASS +MUST +rfc5321/quit/basic:"
no_server_left

# core-on=NOOP: the session process dies alone with a core file while
# the server serves on: only the core tells a crash from a plain close.
# Where the system pipes cores to a helper (core_pattern "|...") or
# forbids them (hard limit 0) there is no file to find: skipped.
pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null || echo '|')
if [[ $pattern != '|'* && $(ulimit -Hc) != 0 ]]; then
	mkdir "$SCRATCH/cores" "$SCRATCH/empty"
	cd "$SCRATCH/cores" || die "cd"
	expect_exit 3 spawn core-on=NOOP --only 'rfc5321/noop/basic' \
		--only 'rfc5321/quit/basic'
	expect_output "$SCRATCH/out" "^ERROR +MUST +rfc5321/noop/basic:"
	expect_output "$SCRATCH/out" "server crashed: left a core file: $SCRATCH/cores/[^ ]* \(pid [0-9]+, mock_smtpd\) after .NOOP."
	expect_output "$SCRATCH/out" "^PASS +MUST +rfc5321/quit/basic:"
	expect_output "$SCRATCH/r.json" '"crashed": true'
	# --core-dir looks elsewhere: no core there, so only the close.
	rm -f "$SCRATCH/cores/"core*
	expect_exit 1 spawn core-on=NOOP --only 'rfc5321/noop/basic' \
		--core-dir "$SCRATCH/empty"
	expect_output "$SCRATCH/out" "^FAIL +MUST +rfc5321/noop/basic:"
	ls "$SCRATCH/cores/"core* >/dev/null 2>&1 ||
		die "the mock left no core: the test proves nothing"
	cd - >/dev/null || die "cd"
	no_server_left
else
	echo "note: core files are piped or disabled here; core checks skipped"
fi

# shutdown-silent: the sessions close without 421 - a SHOULD failure
# (RFC 5321 3.8), exit 1 only when SHOULD failures count.
expect_exit 0 spawn shutdown-silent --only 'rfc5321/shutdown/*'
expect_output "$SCRATCH/out" "^FAIL +SHOULD +rfc5321/shutdown/421-to-open-sessions:"
expect_output "$SCRATCH/out" "without a 421 reply"
expect_exit 1 spawn shutdown-silent --only 'rfc5321/shutdown/*' \
	--fail-on must,should
no_server_left

# A command that exits at once: exit 3, its output shown.
expect_exit 3 "$smtpconf" run "$scenarios" --target "127.0.0.1:$PORT" \
	--spawn 'echo boom-from-the-server; exit 1' --no-color
expect_output "$SCRATCH/err" "exited with status 1"
expect_output "$SCRATCH/err" "boom-from-the-server"

# Options that need --spawn, and a bad signal name: usage errors.
expect_exit 2 "$smtpconf" run "$scenarios" --target "127.0.0.1:$PORT" \
	--restart-each
expect_exit 2 "$smtpconf" run "$scenarios" --target "127.0.0.1:$PORT" \
	--spawn true --stop-signal SEGV
expect_exit 2 "$smtpconf" run "$scenarios" --target "127.0.0.1:$PORT" \
	--core-dir /tmp

# Without --spawn the shutdown scenarios are skipped, not failed.
start_mock "$mock" correct
expect_exit 0 "$smtpconf" run "$scenarios" --only 'rfc5321/shutdown/*' \
	--target "127.0.0.1:$MOCK_PORT" --no-color --json "$SCRATCH/r.json"
expect_output "$SCRATCH/out" "^SKIP +SHOULD +rfc5321/shutdown/421-to-open-sessions:"
expect_output "$SCRATCH/r.json" "needs --spawn or --stop"

# Without --slow the idle-timeout scenarios (minutes each) are skipped.
expect_exit 0 "$smtpconf" run "$scenarios" --only 'rfc5321/timeout/*' \
	--target "127.0.0.1:$MOCK_PORT" --no-color --json "$SCRATCH/r.json"
expect_output "$SCRATCH/out" "^SKIP +SHOULD +rfc5321/timeout/idle-5-minutes:"
expect_output "$SCRATCH/r.json" "run with --slow"
# A server_timeout that makes no duration is an error, not a pass
# (exit 3: a check could not run).
expect_exit 3 "$smtpconf" run "$scenarios" --only 'rfc5321/timeout/idle-5*' \
	--target "127.0.0.1:$MOCK_PORT" --no-color --slow \
	--var server_timeout=3
expect_output "$SCRATCH/out" "^ERROR +SHOULD +rfc5321/timeout/idle-5-minutes:"
expect_output "$SCRATCH/out" "not a duration"
exit 0
