# lib.sh - helpers shared by the integration tests (sourced, not run).
#
# Every test gets its own scratch directory and cleans up after itself;
# every server it starts is on 127.0.0.1 and is stopped on exit.

set -u

# die - print a message and fail the test
die() {
	echo "FAIL: $*" >&2
	exit 1
}

# scratch_dir - a fresh temporary directory removed at exit
scratch_dir() {
	SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/smtpconf-test.XXXXXX")
	trap cleanup EXIT
}

MOCK_PID=""
cleanup() {
	if [ -n "$MOCK_PID" ]; then
		kill "$MOCK_PID" 2>/dev/null
		wait "$MOCK_PID" 2>/dev/null
	fi
	[ -n "${SCRATCH:-}" ] && rm -rf "$SCRATCH"
	return 0
}

# start_mock MOCK_BINARY MODES - start the mock server; sets MOCK_PORT
start_mock() {
	local bin=$1 modes=$2 i
	local args=(--port 0 --port-file "$SCRATCH/port")
	[ -n "$modes" ] && [ "$modes" != correct ] && args+=(--mode "$modes")
	"$bin" "${args[@]}" >"$SCRATCH/mock.log" 2>&1 &
	MOCK_PID=$!
	for i in $(seq 1 100); do
		if [ -s "$SCRATCH/port" ]; then
			MOCK_PORT=$(cat "$SCRATCH/port")
			return 0
		fi
		kill -0 "$MOCK_PID" 2>/dev/null ||
			die "mock server exited: $(cat "$SCRATCH/mock.log")"
		sleep 0.05
	done
	die "mock server did not start"
}

# expect_exit WANT CMD... - run a command and check its exit status
expect_exit() {
	local want=$1 got
	shift
	"$@" >"$SCRATCH/out" 2>"$SCRATCH/err"
	got=$?
	if [ "$got" != "$want" ]; then
		echo "--- stdout" >&2; cat "$SCRATCH/out" >&2
		echo "--- stderr" >&2; cat "$SCRATCH/err" >&2
		die "'$*' exited $got, expected $want"
	fi
}

# expect_output FILE PATTERN - FILE must contain a line matching the ERE
expect_output() {
	grep -Eq -- "$2" "$1" || {
		cat "$1" >&2
		die "$1 has no line matching /$2/"
	}
}

# pick_port - a loopback port nothing accepts on (below the ephemeral range)
pick_port() {
	local p i
	for i in $(seq 1 200); do
		p=$((20000 + RANDOM % 12000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			PORT=$p
			return 0
		fi
	done
	die "no free port"
}

# interrupt_after_first_result PID OUT - SIGINT to the run PID once its
# output file OUT shows a first PASS line (results are flushed one at a
# time), as a user's Ctrl-C in the middle of a run; the run must stop
# within 5 s.  Sets RUN_RC to its exit status.
interrupt_after_first_result() {
	local pid=$1 out=$2
	for _ in $(seq 1 600); do
		grep -q '^PASS' "$out" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	grep -q '^PASS' "$out" || die "no result printed within 60 s"
	kill -INT "$pid"
	for _ in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null &&
		{ kill -9 "$pid"; die "did not stop on SIGINT"; }
	wait "$pid"
	RUN_RC=$?
}
