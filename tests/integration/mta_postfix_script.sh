#!/usr/bin/env bash
# tests/integration/mta_postfix_script.sh - self-test of ci/mta/postfix.sh.
#
# Starts a private Postfix on a free port in a temporary directory,
# holds one SMTP dialogue with bash's /dev/tcp (EHLO, MAIL, RCPT
# postmaster@example.org, DATA, QUIT) and checks every reply, then
# checks from Postfix's own log that the message was discarded and
# that nothing is left in the queue.  Starting again in the same
# directory must replace the stale instance, and stop must leave no
# process behind.
#
# Exit 0 on success and 1 on failure.  Exit 77 (skip) when not root
# or Postfix is missing, unless SMTPCONF_REQUIRE_MTA=1, which turns
# the skip into a failure.

# shellcheck source-path=SCRIPTDIR
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../../ci/mta/common.sh
. "$top/ci/mta/common.sh"
postfix_sh=$top/ci/mta/postfix.sh
REPLY_TIMEOUT=10
DRAIN_TIMEOUT=20

# fail - show what we have, then exit 1
fail() {
	echo "FAIL: $*" >&2
	if [[ -n ${work:-} && -s $work/transcript ]]; then
		sed 's/^/  /' "$work/transcript" >&2
	fi
	if [[ -n ${work:-} && -s $work/postfix/maillog ]]; then
		tail -n 20 "$work/postfix/maillog" | sed 's/^/  log: /' >&2
	fi
	exit 1
}

# skip - exit 77, or fail when the MTA is required
skip() {
	[[ ${SMTPCONF_REQUIRE_MTA:-0} == 1 ]] &&
		fail "$* (SMTPCONF_REQUIRE_MTA=1)"
	echo "SKIP: $*"
	exit 77
}

# cleanup - stop whatever we started and remove the directory
cleanup() {
	exec 3>&- 2>/dev/null || true
	if [[ -n ${work:-} ]]; then
		"$postfix_sh" stop "$work/postfix" >/dev/null 2>&1 || true
		rm -rf "$work"
	fi
}

# send LINE - one command line, CRLF added, logged
send() {
	printf '%s\r\n' "$1" >&3
	printf 'C: %s\n' "$1" >>"$work/transcript"
}

# read_reply - read one whole reply; sets CODE and TEXT (its last line)
read_reply() {
	local line

	while IFS= read -r -t "$REPLY_TIMEOUT" line <&3; do
		line=${line%$'\r'}
		printf 'S: %s\n' "$line" >>"$work/transcript"
		[[ $line =~ ^([2-5][0-9][0-9])([\ -])(.*)$ ]] ||
			fail "malformed reply line: $line"
		if [[ ${BASH_REMATCH[2]} == " " ]]; then
			CODE=${BASH_REMATCH[1]}
			TEXT=${BASH_REMATCH[3]}
			return 0
		fi
	done
	fail "no complete reply within ${REPLY_TIMEOUT}s"
}

# expect CODE - the last reply must carry exactly CODE
expect() {
	read_reply
	[[ $CODE == "$1" ]] || fail "expected $1, got $CODE $TEXT"
}

# dialogue PORT - one message to postmaster@example.org; prints queue id
dialogue() {
	local id

	exec 3<>"/dev/tcp/127.0.0.1/$1" || fail "cannot connect to port $1"
	expect 220
	send "EHLO smoke.smtpconf.test"
	expect 250
	send "MAIL FROM:<smoke@smtpconf.test>"
	expect 250
	send "RCPT TO:<postmaster@example.org>"
	expect 250
	send "DATA"
	expect 354
	send "From: <smoke@smtpconf.test>"
	send "To: <postmaster@example.org>"
	send "Subject: smtpconf postfix smoke test"
	send ""
	send "This message is discarded."
	send "..a line that starts with a dot"
	send "."
	expect 250
	[[ $TEXT =~ queued\ as\ ([0-9A-Za-z]+) ]] ||
		fail "no queue id in: $TEXT"
	id=${BASH_REMATCH[1]}
	send "QUIT"
	expect 221
	IFS= read -r -t "$REPLY_TIMEOUT" _ <&3 &&
		fail "data after 221"
	exec 3>&-
	echo "$id"
}

# queue_files DIR - count messages still in any queue of the instance
queue_files() {
	local q=$1/queue sub n=0 f

	for sub in maildrop incoming active deferred hold; do
		[[ -d $q/$sub ]] || continue
		while IFS= read -r f; do
			[[ -n $f ]] && n=$((n + 1))
		done < <(find "$q/$sub" -type f)
	done
	echo "$n"
}

# check_discarded DIR ID - the log shows discard delivery and removal
check_discarded() {
	local dir=$1 id=$2 end=$((SECONDS + DRAIN_TIMEOUT))

	until grep -q "postfix/qmgr\[[0-9]*\]: $id: removed" \
		"$dir/maillog" 2>/dev/null; do
		((SECONDS < end)) ||
			fail "message $id not removed within ${DRAIN_TIMEOUT}s"
		sleep 0.2
	done
	grep -Eq "postfix/discard\[[0-9]+\]: $id: to=<postmaster@example.org>.*relay=none.*status=sent" \
		"$dir/maillog" || fail "message $id was not discarded"
	[[ $(queue_files "$dir") == 0 ]] || fail "messages left in the queue"
}

# check_gone PID... - none of these processes is alive
check_gone() {
	local pid

	for pid in "$@"; do
		pid_alive "$pid" && fail "process $pid outlived its stop"
	done
	return 0
}

# etc_digest - a digest of the system's /etc/postfix, which we must
# never change
etc_digest() {
	if [[ -d /etc/postfix ]]; then
		find /etc/postfix -type f -exec md5sum {} + | sort
	fi
}

main() {
	local port port2 id pid pid2 kids etc_before

	[[ $(id -u) == 0 ]] || skip "Postfix needs root to start"
	[[ -x /usr/sbin/postfix ]] ||
		skip "postfix is not installed (ci/install-deps.sh installs it)"
	work=$(mktemp -d "${TMPDIR:-/tmp}/smtpconf-pfsmoke.XXXXXX")
	trap cleanup EXIT
	: >"$work/transcript"
	etc_before=$(etc_digest)

	port=$(free_port) || fail "no free port"
	"$postfix_sh" start "$work/postfix" "$port" >"$work/start.out" 2>&1 ||
		fail "start: $(cat "$work/start.out")"
	"$postfix_sh" status "$work/postfix" >/dev/null ||
		fail "status: not running after start"
	pid=$(cat "$work/postfix/pid")
	[[ $(cat "$work/postfix/port") == "$port" ]] || fail "port file"

	id=$(dialogue "$port")
	check_discarded "$work/postfix" "$id"

	# A second start in the same directory replaces the first.
	read -r -a kids <<<"$(child_pids "$pid" | tr '\n' ' ')"
	port2=$(free_port) || fail "no free port"
	"$postfix_sh" start "$work/postfix" "$port2" >"$work/start.out" 2>&1 ||
		fail "restart: $(cat "$work/start.out")"
	pid2=$(cat "$work/postfix/pid")
	[[ $pid2 != "$pid" ]] || fail "restart kept master $pid"
	check_gone "$pid" "${kids[@]}"
	port_in_use "$port" && fail "old port $port still answers"
	id=$(dialogue "$port2")
	check_discarded "$work/postfix" "$id"

	read -r -a kids <<<"$(child_pids "$pid2" | tr '\n' ' ')"
	"$postfix_sh" stop "$work/postfix" >/dev/null || fail "stop failed"
	"$postfix_sh" status "$work/postfix" >/dev/null &&
		fail "status: still running after stop"
	check_gone "$pid2" "${kids[@]}"
	port_in_use "$port2" && fail "port $port2 still answers after stop"
	[[ $(etc_digest) == "$etc_before" ]] || fail "/etc/postfix changed"
	echo "PASS: postfix.sh start/status/dialogue/discard/restart/stop"
}

main "$@"
