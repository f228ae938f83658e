#!/usr/bin/env bash
# ci/mta/aiosmtpd.sh - a private aiosmtpd server on 127.0.0.1 for tests.
#
# usage: aiosmtpd.sh start DIR PORT
#        aiosmtpd.sh stop DIR
#        aiosmtpd.sh status DIR
#
# aiosmtpd is the asyncio SMTP server library of Python, packaged by
# Debian 12 as python3-aiosmtpd (ci/install-deps.sh installs it).  start
# runs its own command-line server in the foreground,
#   /usr/bin/python3 -m aiosmtpd -l 127.0.0.1:PORT -c aiosmtpd.handlers.Sink
# and waits (30 s at most) until 127.0.0.1:PORT greets with 220.  The
# Sink handler accepts every message and drops it: nothing is stored,
# delivered or relayed.  (The default handler, Debugging, accepts the
# same and prints each message; the SMTP dialogue is the same.)  It
# offers STARTTLS with a fresh self-signed certificate (--tlscert,
# --tlskey) without requiring it (--no-requiretls: with a certificate
# aiosmtpd otherwise refuses everything before STARTTLS, which a
# public server must not do, RFC 3207 4).  Every other setting is
# aiosmtpd's default: no SIZE limit, no SMTPUTF8.  As root the server
# switches to user nobody by itself, as it does by default, before it
# reads the key (so nobody owns it); any other user runs it as itself
# (-n).
#
# With SMTPCONF_AUTH_USER and SMTPCONF_AUTH_PASS set, start runs
# aiosmtpd_auth.py (beside this script) instead: the same server, Sink
# handler and STARTTLS, plus one test account for AUTH PLAIN, LOGIN and
# CRAM-MD5, which aiosmtpd lists and accepts only inside TLS (its
# default auth_require_tls).  aiosmtpd's own command line cannot name an
# account: there every AUTH fails.
#
# /usr/bin/python3 is named on purpose: Debian's package is importable
# only by Debian's interpreter, and the python3 first on PATH may be
# another one.
#
# Layout of DIR:
#   aiosmtpd.log   the server's output
#   tls/           cert.pem and key.pem, made at start
#   pid, port      its PID and the port, once up
#
# start stops a stale instance in DIR first, so it can be re-run.  stop
# sends SIGINT, on which aiosmtpd closes its listener and exits, waits
# 10 s, then kills it.  status exits 0 when the server runs, 3 when it
# does not.  Root is not needed.

# shellcheck source-path=SCRIPTDIR
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"

PYTHON=/usr/bin/python3
START_TIMEOUT=30
STOP_TIMEOUT=10

# usage - the synopsis, then exit 2
usage() {
	echo "usage: ${0##*/} start DIR PORT | stop DIR | status DIR" >&2
	exit 2
}

# aiosmtpd_version - print the installed version, or fail
aiosmtpd_version() {
	[[ -x $PYTHON ]] || return 1
	"$PYTHON" -c 'import aiosmtpd; print(aiosmtpd.__version__)' \
		2>/dev/null
}

# server_pid DIR - print the running server's PID, or fail
server_pid() {
	local pid cmdline

	[[ -r $1/pid ]] || return 1
	read -r pid <"$1/pid" || return 1
	pid_is "$pid" python3 || return 1
	# Any python3 may have inherited the number: check it is ours.
	cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
	[[ $cmdline == *"-m aiosmtpd "* || $cmdline == *aiosmtpd_auth.py* ]] ||
		return 1
	echo "$pid"
}

# grant_group_search DIR - g+x on DIR and the root-group directories
# above it: aiosmtpd drops to nobody with setuid() alone, so it keeps
# group root, and for a root-group directory the group bits, not the
# others bits, decide whether it may pass
grant_group_search() {
	local path=$1

	while [[ -n $path && $path != / ]]; do
		if [[ $(stat -c %g "$path") == 0 ]]; then
			chmod g+x "$path"
		fi
		path=${path%/*}
	done
}

# cmd_start DIR PORT - start the server
cmd_start() {
	local dir port=$2 pid version
	local -a args

	dir=$(instance_dir "$1")
	is_port "$port" || mta_die "not a port number: $port"
	version=$(aiosmtpd_version) ||
		mta_die "aiosmtpd is not installed for $PYTHON" \
			"(run ci/install-deps.sh: python3-aiosmtpd)"
	mkdir -p "$dir"
	[[ -e $dir/pid ]] && { cmd_stop "$dir" >/dev/null 2>&1 || true; }
	rm -f "$dir/aiosmtpd.log" "$dir/pid" "$dir/port"
	port_in_use "$port" && mta_die "127.0.0.1:$port is already in use"
	rm -rf "${dir:?}/tls"
	if [[ $(id -u) == 0 ]]; then
		make_test_cert "$dir/tls" aiosmtpd.smtpconf.test nobody
		grant_search_to_all "$dir" ||
			mta_die "user nobody cannot reach $dir/tls"
		grant_group_search "$dir"
	else
		make_test_cert "$dir/tls" aiosmtpd.smtpconf.test
	fi
	if [[ -n ${SMTPCONF_AUTH_USER:-} && -n ${SMTPCONF_AUTH_PASS:-} ]]; then
		# It switches to nobody by itself too, after reading the key.
		args=("$here/aiosmtpd_auth.py" 127.0.0.1 "$port"
			"$dir/tls/cert.pem" "$dir/tls/key.pem")
		version="$version with the test account"
	else
		args=(-m aiosmtpd -l "127.0.0.1:$port"
			--tlscert "$dir/tls/cert.pem"
			--tlskey "$dir/tls/key.pem" --no-requiretls
			-c aiosmtpd.handlers.Sink)
		# Only root can switch to nobody; anyone else must say -n.
		[[ $(id -u) == 0 ]] || args+=(-n)
	fi
	# The server stays in the foreground: $! is its PID.  aiosmtpd sets
	# its own SIGINT handler, so the SIGINT that a background job
	# starts ignoring still stops it.
	"$PYTHON" "${args[@]}" </dev/null >"$dir/aiosmtpd.log" 2>&1 &
	pid=$!
	echo "$pid" >"$dir/pid"
	echo "$port" >"$dir/port"
	if ! wait_for_server "$pid" 127.0.0.1 "$port" "$START_TIMEOUT"; then
		[[ -s $dir/aiosmtpd.log ]] && tail -n 20 "$dir/aiosmtpd.log" |
			sed 's/^/  aiosmtpd: /' >&2
		cmd_stop "$dir" >/dev/null 2>&1 || true
		mta_die "no 220 greeting on 127.0.0.1:$port within" \
			"${START_TIMEOUT}s"
	fi
	echo "aiosmtpd $version on 127.0.0.1:$port (pid $pid, dir $dir)"
}

# cmd_stop DIR - stop the server, forcefully after a bound
cmd_stop() {
	local dir pid

	dir=$(instance_dir "$1")
	if ! pid=$(server_pid "$dir"); then
		rm -f "$dir/pid"
		echo "not running ($dir)"
		return 0
	fi
	stop_daemon "$pid" INT "$STOP_TIMEOUT" ||
		mta_die "cannot kill aiosmtpd $pid"
	rm -f "$dir/pid"
	echo "stopped ($dir)"
}

# cmd_status DIR - report whether the server runs
cmd_status() {
	local dir pid port=unknown

	dir=$(instance_dir "$1")
	if pid=$(server_pid "$dir"); then
		[[ -r $dir/port ]] && read -r port <"$dir/port"
		echo "running: aiosmtpd pid $pid, 127.0.0.1:$port ($dir)"
		return 0
	fi
	echo "not running ($dir)"
	return 3
}

mta_main "start:2 stop:1 status:1" "$@"
