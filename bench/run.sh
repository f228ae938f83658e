#!/usr/bin/env bash
# bench/run.sh - the first benchmark: the same SMTP dialogues run by
# smtpconf, by Postfix's smtp-source and by swaks against the same
# Postfix on loopback, timed with hyperfine.  Results (hyperfine JSON and
# markdown, summary.md, rusage.tsv, machine.txt) go to bench/results/;
# docs/performance.md explains them.  Run as root on Debian 12:
# `sudo bench/run.sh`.  It builds smtpconf (Release) unless SMTPCONF names
# a binary, starts Postfix with ci/mta/postfix.sh and stops it on exit.
#
# Every session is one connection doing one dialogue of bench/dialogue/:
#   transaction  greeting, EHLO (HELO for smtp-source), MAIL, RCPT, DATA
#                with message.eml (1117 octets with the final dot), QUIT
#   session      greeting, EHLO, QUIT
# smtpconf runs one copy of the scenario per session (BENCH_SESSIONS
# files, generated below), plus its own probe session (EHLO, QUIT) at the
# start of each run; smtp-source runs `-s 1 -m N` (one session at a time,
# one message each: without -d it disconnects after every message); swaks
# runs once per session (bench/swaks-sessions.sh).
#
# Environment: BENCH_SESSIONS (200), BENCH_RUNS (5), BENCH_RESULTS
# (bench/results), BENCH_SWAKS_SESSION_RUNS (0; N > 0 also times swaks on
# the session-only dialogue, N runs of about 40 s each: off by default, as
# swaks' ~0.2 s per session is start-up that the transaction group already
# shows), SMTPCONF (a built binary), BENCH_TARGET=HOST:PORT (time a server
# that is already running instead of starting Postfix) with
# BENCH_POSTFIX_CONFIG=DIR (its config directory, to wait for its queue),
# BENCH_SUITE (1; 0 skips the last part: bench/suite.sh, the suite at
# -j 1 to 8 against Postfix with and without its tarpit, and memory as
# the suite grows to 10x and 100x, appended to summary.md; its runs per
# -j: BENCH_SUITE_RUNS, 3).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bench=$top/bench
dialogue=$bench/dialogue
results=${BENCH_RESULTS:-$bench/results}
sessions=${BENCH_SESSIONS:-200}
runs=${BENCH_RUNS:-5}
swaks_session_runs=${BENCH_SWAKS_SESSION_RUNS:-0}
build=${SMTPCONF_BUILD_ROOT:-$top/build}/bench
smtpconf=${SMTPCONF:-$build/smtpconf}
started=$SECONDS

work=
instance=
sink_pid=

# cleanup - stop whatever this script started, remove its temp files
cleanup() {
	if [ -n "$sink_pid" ]; then
		kill "$sink_pid" 2>/dev/null || true
		wait "$sink_pid" 2>/dev/null || true
	fi
	if [ -n "$instance" ]; then
		"$top/ci/mta/postfix.sh" stop "$instance" >/dev/null 2>&1 ||
			true
		rm -rf "$instance"
	fi
	[ -z "$work" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# say - a progress line on stderr
say() {
	printf '== %s\n' "$*" >&2
}

# q - one shell word, for the command lines hyperfine runs
q() {
	printf '%q' "$1"
}

# have - is the command installed?
have() {
	command -v "$1" >/dev/null 2>&1
}

# install_tools - what the benchmark needs, from Debian's packages
install_tools() {
	local missing=()

	if ! { have cmake && have cc; } && [ -x "$top/ci/install-deps.sh" ]
	then
		"$top/ci/install-deps.sh"
	fi
	have hyperfine || missing+=(hyperfine)
	have swaks || missing+=(swaks)
	[ -x /usr/bin/time ] || missing+=(time)
	if ! have smtp-source; then
		# Install Postfix without configuring or starting a system one.
		echo "postfix postfix/main_mailer_type select" \
			"No configuration" | debconf-set-selections
		missing+=(postfix)
	fi
	if [ ${#missing[@]} -gt 0 ]; then
		say "installing ${missing[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get install -y \
			"${missing[@]}" >/dev/null
	fi
}

# build_smtpconf - a Release build of the smtpconf target alone (the
# benchmark needs no test or fuzz program), unless SMTPCONF names a binary
build_smtpconf() {
	if [ -n "${SMTPCONF:-}" ]; then
		return
	fi
	say "building smtpconf (Release) in $build"
	mkdir -p "$build"
	{
		cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release &&
			cmake --build "$build" --target smtpconf mock_smtpd \
				-j "$(nproc)"
	} >"$build.log" 2>&1 || {
		tail -40 "$build.log" >&2
		exit 1
	}
}

# port_free - a free TCP port on loopback (ci/mta/common.sh has the one
# the project uses; this fallback is for a checkout without it)
port_free() {
	if declare -F free_port >/dev/null; then
		free_port
	else
		python3 -c 'import socket; s = socket.socket();
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
	fi
}

# wait_port PORT - until something accepts on 127.0.0.1:PORT (5 s at most)
wait_port() {
	local i

	for ((i = 0; i < 100; i++)); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
			return 0
		fi
		sleep 0.05
	done
	echo "nothing listens on 127.0.0.1:$1" >&2
	return 1
}

# check_message FILE - the message the scenario sends is message.eml plus
# the empty line smtp-source and swaks add before the final dot
check_message() {
	if ! diff <(cat "$dialogue/message.eml"; echo) \
		<(awk '/^batch$/ { on = 1; next } /^end$/ { on = 0 }
		       on && $0 != "C: ." { sub(/^C: ?/, ""); print }' "$1") \
		>/dev/null; then
		echo "$1 does not send bench/dialogue/message.eml" >&2
		exit 1
	fi
}

# sink_transcript NAME - the commands of the sessions that sent mail and
# the message they sent, as smtp-sink saw them (dates and ids removed)
sink_transcript() {
	awk '/^smtp-sink: connect / { printf "%s", mail ? buf : ""
				       buf = ""; mail = 0; next }
	     /^smtp-sink: (HELO|EHLO|MAIL|RCPT|DATA|QUIT|\.)( |$)/ {
		sub(/^smtp-sink: /, ""); buf = buf $0 "\n"
		if ($1 == "MAIL") mail = 1 }
	     END { printf "%s", mail ? buf : "" }' "$work/sink/$1.log"
	awk '/^Received:/ { skip = 1; next }
	     skip && /^[ \t]/ { next }
	     { skip = 0; print }' "$work/sink/$1.dump"
}

# sink_run NAME COMMAND... - one client's session against a fresh
# smtp-sink; the word PORT in COMMAND is replaced by its port
sink_run() {
	local name=$1 port arg args=()

	shift
	port=$(port_free)
	smtp-sink -u postfix -v -D "$work/sink/$name.dump" \
		"127.0.0.1:$port" 10 >"$work/sink/$name.log" 2>&1 &
	sink_pid=$!
	wait_port "$port"
	for arg; do
		args+=("${arg//PORT/$port}")
	done
	# Only the bytes sent matter here: smtp-sink's own replies break
	# RFC 2034 (a 221 without an enhanced code after advertising
	# ENHANCEDSTATUSCODES), which smtpconf rightly reports (exit 1).
	"${args[@]}" >/dev/null || true
	sleep 0.2	# let smtp-sink write its dump and log
	kill "$sink_pid"
	wait "$sink_pid" 2>/dev/null || true
	sink_pid=
	sink_transcript "$name" >"$work/sink/$name.txt"
}

# same_work A B - the two transcripts are the same, or stop here
same_work() {
	diff -u "$work/sink/$1.txt" "$work/sink/$2.txt" >&2 || {
		echo "$2 and $1 do not send the same dialogue: the" \
			"benchmark would not compare like with like" >&2
		exit 1
	}
}

# check_same_work - smtpconf sends what smtp-source (HELO) and swaks
# (EHLO) send, byte for byte, as smtp-sink records it
check_same_work() {
	local one=$work/one

	say "checking that the clients send the same dialogue (smtp-sink)"
	mkdir -p "$one/ehlo" "$one/helo" "$work/sink"
	chmod 755 "$work"
	chown postfix "$work/sink"
	cp "$dialogue/transaction.smtp" "$one/ehlo/t.smtp"
	cp "$dialogue/transaction-helo.smtp" "$one/helo/t.smtp"
	sink_run smtpconf-ehlo "$smtpconf" run "$one/ehlo" \
		--target 127.0.0.1:PORT --client bench.example.org -q
	sink_run smtpconf-helo "$smtpconf" run "$one/helo" \
		--target 127.0.0.1:PORT --client bench.example.org -q
	sink_run smtp-source smtp-source -s 1 -m 1 -M bench.example.org \
		-f bench@example.org -t postmaster@example.org \
		-F "$dialogue/message.eml" 127.0.0.1:PORT
	sink_run swaks "$bench/swaks-sessions.sh" 127.0.0.1:PORT 1 transaction
	same_work smtp-source smtpconf-helo
	same_work swaks smtpconf-ehlo
	grep -q '^line 15 ' "$work/sink/swaks.txt" || {
		echo "smtp-sink recorded no message" >&2
		exit 1
	}
}

# make_sessions NAME SCENARIO - BENCH_SESSIONS copies, one per session,
# written by the shell itself: hundreds of cp processes take half a
# minute on a busy machine
make_sessions() {
	local i text file

	mkdir -p "$work/$1"
	text=$(<"$2")
	for ((i = 0; i < sessions; i++)); do
		printf -v file '%s/%s/session-%04d.smtp' "$work" "$1" "$i"
		printf '%s\n' "$text" >"$file"
	done
	cmp -s "$2" "$file" || {
		echo "cannot copy $2 exactly" >&2
		exit 1
	}
}

# start_server - Postfix on a free loopback port, or BENCH_TARGET
start_server() {
	local config

	if [ -n "${BENCH_TARGET:-}" ]; then
		target=$BENCH_TARGET
		config=${BENCH_POSTFIX_CONFIG:-}
	else
		instance=$(mktemp -d "${TMPDIR:-/tmp}/smtpconf-bench-pf.XXXX")
		port=$(port_free)
		say "starting Postfix on 127.0.0.1:$port"
		"$top/ci/mta/postfix.sh" start "$instance" "$port" >/dev/null
		target=127.0.0.1:$port
		config=$(find "$instance" -name main.cf -print -quit)
		config=$(dirname "$config")
	fi
	prepare=()
	if [ -n "$config" ]; then
		queue=$(postconf -c "$config" -h queue_directory)
		prepare=(--prepare "$(q "$bench/wait-idle.sh") $(q "$queue")")
	fi
}

# hf NAME HYPERFINE-ARGS... - one hyperfine group, exported to results/
hf() {
	local name=$1

	shift
	say "timing: $name"
	hyperfine --style basic --shell bash "${prepare[@]}" \
		--export-json "$results/$name.json" \
		--export-markdown "$results/$name.md" "$@"
}

# time_groups - the groups of docs/performance.md
time_groups() {
	local sc src sw

	# One session at a time for every client, as smtp-source -s 1
	# (smtpconf's own default is a scenario per CPU at once); the suite
	# row keeps that default, since it is what a user runs.
	sc="$(q "$smtpconf") run -j 1"
	src="smtp-source -s 1 -m $sessions -M bench.example.org"
	src+=" -f bench@example.org -t postmaster@example.org"
	src+=" -F $(q "$dialogue/message.eml") $target"
	sw="$(q "$bench/swaks-sessions.sh") $target $sessions"
	hf transaction --warmup 1 --runs "$runs" \
		-n "smtpconf (EHLO)" "$sc $(q "$work/transaction") \
--target $target --client bench.example.org -q" \
		-n "smtpconf (HELO)" "$sc $(q "$work/transaction-helo") \
--target $target --client bench.example.org -q" \
		-n "smtp-source (HELO)" "$src"
	# swaks starts a new Perl for every session, so a warm-up run of 200
	# sessions warms nothing the first session does not: it would only
	# add a minute.
	hf transaction-swaks --warmup 0 --runs "$runs" \
		-n "swaks (EHLO)" "$sw transaction"
	hf session --warmup 1 --runs "$runs" \
		-n "smtpconf" "$sc $(q "$work/session") --target $target \
--client bench.example.org -q"
	if [ "$swaks_session_runs" -gt 0 ]; then
		hf session-swaks --warmup 0 --runs "$swaks_session_runs" \
			-n "swaks" "$sw session"
	fi
	# A MUST failure of Postfix would exit 1: time the run regardless.
	# The suite one scenario at a time, then as a user runs it (-j N,
	# N = online CPUs, the default).
	hf suite --warmup 1 --runs "$runs" --ignore-failure \
		-n "smtpconf run -j 1 scenarios" "$sc $(q "$top/scenarios") \
--target $target -q" \
		-n "smtpconf run -j $(nproc) scenarios" "$(q "$smtpconf") run \
-j $(nproc) $(q "$top/scenarios") --target $target -q"
}

# postfix_ticks - CPU time (clock ticks) used so far by the Postfix we
# started: its master and the master's children (smtpd, cleanup, qmgr,
# discard...), alive or already reaped (cutime, cstime); "" if unknown
postfix_ticks() {
	local master stat rest f total=0

	[ -n "$instance" ] && read -r master 2>/dev/null <"$instance/pid" ||
		return 0
	for stat in /proc/[0-9]*/stat; do
		read -r rest 2>/dev/null <"$stat" || continue
		# Fields after the command name: state ppid ... utime(12)
		# stime(13) cutime(14) cstime(15).
		read -r -a f <<<"${rest##*) }"
		if [ "${stat//[^0-9]/}" = "$master" ] ||
			[ "${f[1]}" = "$master" ]; then
			total=$((total + f[11] + f[12] + f[13] + f[14]))
		fi
	done
	echo "$total"
}

# rusage NAME COMMAND... - one more run under /usr/bin/time: wall, user,
# sys and peak RSS, and the CPU Postfix spent on it until its queue was
# empty again, appended to results/rusage.tsv
rusage() {
	local name=$1 before after server=-

	shift
	[ -z "${queue:-}" ] || "$bench/wait-idle.sh" "$queue"
	before=$(postfix_ticks)
	/usr/bin/time -f '%e\t%U\t%S\t%M' -o "$work/time.out" "$@" \
		>/dev/null 2>&1 || true
	[ -z "${queue:-}" ] || "$bench/wait-idle.sh" "$queue"
	after=$(postfix_ticks)
	if [ -n "$before" ] && [ -n "$after" ]; then
		server=$(awk -v t=$((after - before)) \
			-v hz="$(getconf CLK_TCK)" \
			'BEGIN { printf "%.2f", t / hz }')
	fi
	printf '%s\t%s\t%s\n' "$name" "$(tail -1 "$work/time.out")" \
		"$server" >>"$results/rusage.tsv"
}

# measure_rusage - peak RSS and CPU of each client, and perf stat of
# smtpconf where the kernel lets perf count
measure_rusage() {
	say "peak RSS and CPU (/usr/bin/time)"
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' command 'wall (s)' 'user (s)' \
		'sys (s)' 'peak RSS (KiB)' 'Postfix CPU (s)' \
		>"$results/rusage.tsv"
	rusage "smtpconf (EHLO), $sessions transactions" "$smtpconf" run \
		-j 1 "$work/transaction" --target "$target" \
		--client bench.example.org -q
	rusage "smtpconf (HELO), $sessions transactions" "$smtpconf" run \
		-j 1 "$work/transaction-helo" --target "$target" \
		--client bench.example.org -q
	rusage "smtp-source (HELO), $sessions transactions" smtp-source -s 1 \
		-m "$sessions" -M bench.example.org -f bench@example.org \
		-t postmaster@example.org -F "$dialogue/message.eml" "$target"
	rusage "swaks (EHLO), 1 transaction" "$bench/swaks-sessions.sh" \
		"$target" 1 transaction
	rusage "smtpconf, $sessions sessions EHLO+QUIT" "$smtpconf" run -j 1 \
		"$work/session" --target "$target" \
		--client bench.example.org -q
	rusage "smtpconf run scenarios (built-in suite)" "$smtpconf" run \
		"$top/scenarios" --target "$target" -q
	rm -f "$results/perf-stat-smtpconf.txt"
	if perf stat -e task-clock true >/dev/null 2>&1; then
		[ -z "${queue:-}" ] || "$bench/wait-idle.sh" "$queue"
		perf stat -e task-clock,context-switches,page-faults \
			-o "$results/perf-stat-smtpconf.txt" "$smtpconf" \
			run -j 1 "$work/transaction" --target "$target" \
			--client bench.example.org -q >/dev/null || true
		sed -i "s|$work/|\$WORK/|; s|$smtpconf|smtpconf|" \
			"$results/perf-stat-smtpconf.txt"
	fi
}

# describe_machine - what the numbers were measured on
describe_machine() {
	local v

	{
		echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
		echo "kernel: $(uname -srm)"
		echo "cpus: $(nproc) x $(sed -n 's/^model name[^:]*: //p' \
			/proc/cpuinfo | head -1)"
		echo "memory: $(awk '/^MemTotal/ { print $2 " kB" }' \
			/proc/meminfo)"
		echo "debian: $(cat /etc/debian_version)"
		for v in postfix swaks hyperfine; do
			echo "$v: $(dpkg-query -W -f '${Version}' "$v" \
				2>/dev/null || echo '?')"
		done
		echo "compiler: $(cc --version | head -1)"
		echo "build: $("$smtpconf" --version 2>/dev/null ||
			echo 'smtpconf ?') ($build_rev, Release)"
		echo "sessions per run: $sessions; runs: $runs"
		echo "load average before: $load_before"
		echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
	} >"$results/machine.txt"
}

main() {
	if [ "$(id -u)" != 0 ]; then
		echo "run as root: Postfix must start as root" >&2
		exit 2
	fi
	install_tools
	build_smtpconf
	# free_port and friends; absent only in a checkout without ci/mta/.
	[ ! -f "$top/ci/mta/common.sh" ] || . "$top/ci/mta/common.sh"
	load_before=$(cut -d' ' -f1-3 /proc/loadavg)
	# The tree as it was built, before this run rewrites bench/results.
	build_rev=$(git -C "$top" describe --always --dirty 2>/dev/null ||
		echo 'no commit yet')
	work=$(mktemp -d "${TMPDIR:-/tmp}/smtpconf-bench.XXXXXX")
	mkdir -p "$results"
	# Only this run's files: a group it skips leaves no stale numbers.
	rm -f "$results"/{transaction,transaction-swaks}.{json,md} \
		"$results"/{session,session-swaks,suite}.{json,md} \
		"$results"/{summary.md,rusage.tsv,machine.txt,suite.tsv} \
		"$results/perf-stat-smtpconf.txt"
	check_message "$dialogue/transaction.smtp"
	check_message "$dialogue/transaction-helo.smtp"
	check_same_work
	make_sessions transaction "$dialogue/transaction.smtp"
	make_sessions transaction-helo "$dialogue/transaction-helo.smtp"
	make_sessions session "$dialogue/session.smtp"
	start_server
	time_groups
	measure_rusage
	describe_machine
	python3 "$bench/summarize.py" "$results" "$sessions" \
		"$(find "$top/scenarios" -name '*.smtp' | wc -l)"
	if [ "${BENCH_SUITE:-1}" = 1 ]; then
		say "the suite at scale (bench/suite.sh)"
		{
			printf '\n## The whole suite (bench/suite.sh)\n\n'
			BENCH_RESULTS=$results \
				BENCH_RUNS=${BENCH_SUITE_RUNS:-3} \
				"$bench/suite.sh" "$smtpconf"
		} >>"$results/summary.md"
	fi
	cat "$results/summary.md"
	say "done in $((SECONDS - started)) s; results in $results"
}

main "$@"
