#!/usr/bin/env bash
# ci/mta/postfix.sh - a private Postfix instance on 127.0.0.1 for tests.
#
# usage: postfix.sh start DIR PORT
#        postfix.sh stop DIR
#        postfix.sh status DIR
#
# With SMTPCONF_SMTPS_PORT set, start also opens an implicit-TLS
# listener (RFC 8314, smtpd_tls_wrappermode, like Debian's commented
# "submissions" service) on 127.0.0.1:$SMTPCONF_SMTPS_PORT.
#
# start builds a configuration of its own under DIR from Debian's
# templates, starts Postfix with `postfix -c DIR/etc start` and waits
# (30 s at most) until 127.0.0.1:PORT greets with 220.  The instance
# accepts mail for example.org from loopback and discards all of it:
# nothing is delivered, relayed or looked up in DNS.  The system's
# /etc/postfix and /var/spool/postfix are not touched, and a system
# Postfix, running or not, is left alone.  Apart from what loopback,
# privacy and discarding need (each setting below says why), smtpd
# keeps Debian's defaults: those are what the suite tests.
#
# Layout of DIR:
#   etc/main.cf, etc/master.cf   the configuration
#   queue/                       queue_directory (master.pid in queue/pid)
#   data/                        data_directory
#   maillog                      Postfix's log (maillog_file)
#   tls/cert.pem, tls/key.pem    a fresh self-signed certificate
#   pid, port                    the master's PID and the port, once up
#
# start always offers STARTTLS with a self-signed certificate made for
# the instance (tls/, by make_test_cert), as Debian's postinst
# configures a fresh install when the ssl-cert package is there
# (snakeoil certificate, smtpd_tls_security_level = may).  POSTFIX_TLS=1,
# which once asked for it, is still accepted and changes nothing.
#
# POSTFIX_SETTINGS, when set, holds main.cf lines ("name = value", one
# a line) appended after ours, for a run that varies the configuration
# on purpose (bench/suite.sh times the suite with Postfix's error
# tarpit off).  Unset, the instance keeps Debian's defaults.
#
# start stops a stale instance in DIR first, so it can be re-run.
# stop asks Postfix to stop, waits 15 s for the master to exit, then
# kills it and its children by PID.  status exits 0 when the instance
# runs, 3 when it does not.  start and stop must run as root: Postfix's
# master starts as root and drops to the postfix user itself.

# shellcheck source-path=SCRIPTDIR
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"

POSTFIX=/usr/sbin/postfix
POSTCONF=/usr/sbin/postconf
TEMPLATES=/usr/share/postfix
START_TIMEOUT=30
STOP_TIMEOUT=15

# usage - the synopsis, then exit 2
usage() {
	echo "usage: ${0##*/} start DIR PORT | stop DIR | status DIR" >&2
	exit 2
}

# master_pid DIR - print the running master's PID, or fail
master_pid() {
	local file=$1/queue/pid/master.pid pid

	[[ -r $file ]] || return 1
	read -r pid <"$file" || return 1
	pid_alive "$pid" || return 1
	# A stale file may name a PID that now belongs to someone else.
	[[ $(cat "/proc/$pid/comm" 2>/dev/null) == master ]] || return 1
	echo "$pid"
}

# write_main_cf DIR - main.cf: Debian's fresh-install file plus ours
write_main_cf() {
	local dir=$1 etc=$1/etc

	# Debian's postinst starts a new main.cf from main.cf.debian
	# (banner, biff, compatibility_level = 3.6); so do we.
	if [[ -r $TEMPLATES/main.cf.debian ]]; then
		cp "$TEMPLATES/main.cf.debian" "$etc/main.cf"
	else
		echo "compatibility_level = 3.6" >"$etc/main.cf"
	fi
	cat >>"$etc/main.cf" <<EOF

# ---- smtpconf private test instance (written by ci/mta/postfix.sh) ----
# Each setting below differs from Debian's default for one reason:
# keep this instance private, on loopback, and unable to deliver.

# Everything the instance writes stays under its own directory, apart
# from the system Postfix's /var/spool/postfix.
queue_directory = $dir/queue
data_directory = $dir/data

# Log to a file of our own through postlogd (master.cf "postlog"):
# a test machine or container may have no syslog, and tests read it.
# The file must lie under one of maillog_file_prefixes.
maillog_file = $dir/maillog
maillog_file_prefixes = $dir

# Loopback only, IPv4 only.  master.cf binds smtpd to 127.0.0.1:PORT
# explicitly; this keeps any other inet service off the network too.
inet_interfaces = loopback-only
inet_protocols = ipv4

# A fixed name: no lookup of this machine's name, a stable banner.
myhostname = postfix.smtpconf.test

# No domain is local, so no mail can reach a mailbox.
mydestination =

# The suite's recipients (postmaster@example.org) are accepted as a
# relay domain and then discarded, like every other message.
relay_domains = example.org

# Every transport discards: nothing is delivered or leaves the host.
default_transport = discard:
relay_transport = discard:
local_transport = discard:
virtual_transport = discard:

# No DNS: discard needs none, and without a network each lookup
# would only time out.  (disable_dns_lookups is deprecated in 3.x.)
smtp_dns_support_level = disabled

# No local aliases: no domain is local, and the system's /etc/aliases
# (which may not even exist) belongs to the system's Postfix.
alias_maps =
alias_database =

# Do not reverse-resolve the client (127.0.0.1).  Without DNS this can
# stall every connection; it changes only the client name in logs and
# Received: headers ("unknown"), no reply smtpd sends by default.
smtpd_peername_lookup = no

# STARTTLS as Debian's postinst configures it (there with the snakeoil
# certificate, here with a fresh one for this instance): offered, not
# required.
smtpd_tls_cert_file = $dir/tls/cert.pem
smtpd_tls_key_file = $dir/tls/key.pem
smtpd_tls_security_level = may
EOF
}

# write_master_cf DIR PORT - master.cf: Debian's template, smtpd moved
write_master_cf() {
	local etc=$1/etc port=$2

	cp "$TEMPLATES/master.cf.dist" "$etc/master.cf"
	# smtpd listens on 127.0.0.1:PORT instead of *:25.
	"$POSTCONF" -c "$etc" -MX smtp/inet
	"$POSTCONF" -c "$etc" -M \
		"127.0.0.1:$port/inet=127.0.0.1:$port inet n - n - - smtpd"
	# Implicit TLS (RFC 8314), as Debian's "submissions" example does.
	if [[ -n ${SMTPCONF_SMTPS_PORT:-} ]]; then
		local tls=$SMTPCONF_SMTPS_PORT
		is_port "$tls" || mta_die "not a port number: $tls"
		"$POSTCONF" -c "$etc" -M \
			"127.0.0.1:$tls/inet=127.0.0.1:$tls inet n - n - - smtpd"
		"$POSTCONF" -c "$etc" -P \
			"127.0.0.1:$tls/inet/smtpd_tls_wrappermode=yes"
	fi
	# No chroot jail: a throw-away instance needs none, and a jail
	# would need copies of /etc files and libraries in the queue.
	"$POSTCONF" -c "$etc" -F '*/*/chroot = n'
	# maillog_file needs the postlog service (3.4 and later).
	if [[ -z $("$POSTCONF" -c "$etc" -M postlog/unix-dgram 2>/dev/null) ]]
	then
		"$POSTCONF" -c "$etc" -M \
			"postlog/unix-dgram=postlog unix-dgram n - n - 1 postlogd"
	fi
}

# grant_search DIR - let the postfix user reach DIR (o+x on each level)
#
# Postfix opens data_directory and maillog_file by absolute path after
# dropping to its own user, so every directory above them must be
# searchable by others.  A mktemp -d parent is 0700: it gets o+x, which
# lets others reach known names inside it but not list it.
grant_search() {
	local path=$1 perms

	while [[ -n $path && $path != / ]]; do
		perms=$(stat -c %A "$path")
		if [[ ${perms:9:1} != [xt] ]]; then
			[[ $(stat -c %u "$path") == 0 ]] ||
				mta_die "the postfix user cannot reach $1:" \
					"$path is not searchable and not ours"
			chmod o+x "$path"
			mta_log "note: made $path searchable (o+x) for Postfix"
		fi
		path=${path%/*}
	done
}

# clean_instance DIR - remove what an earlier start left in DIR
clean_instance() {
	local dir=$1

	rm -rf "${dir:?}/etc" "${dir:?}/queue" "${dir:?}/data" "${dir:?}/tls"
	rm -f "$dir/maillog" "$dir/pid" "$dir/port" "$dir/start.log"
}

# start_failed DIR MSG - show the log, stop what started, and fail
start_failed() {
	local dir=$1

	shift
	if [[ -s $dir/start.log ]]; then
		sed 's/^/  start: /' "$dir/start.log" >&2
	fi
	if [[ -s $dir/maillog ]]; then
		tail -n 20 "$dir/maillog" | sed 's/^/  maillog: /' >&2
	fi
	cmd_stop "$dir" >/dev/null 2>&1 || true
	mta_die "$*"
}

# cmd_start DIR PORT - configure and start the instance
cmd_start() {
	local dir port=$2 pid version owner

	dir=$(instance_dir "$1")
	is_port "$port" || mta_die "not a port number: $port"
	need_root "Postfix's master starts as root and drops privileges"
	[[ -x $POSTFIX && -r $TEMPLATES/master.cf.dist ]] ||
		mta_die "Postfix is not installed (run ci/install-deps.sh)"
	mkdir -p "$dir"
	if [[ -e $dir/etc/main.cf ]]; then
		cmd_stop "$dir" >/dev/null 2>&1 || true
	fi
	clean_instance "$dir"
	port_in_use "$port" && mta_die "127.0.0.1:$port is already in use"
	mkdir -p "$dir/etc" "$dir/queue" "$dir/data"
	chmod 0755 "$dir"
	grant_search "$dir"
	make_test_cert "$dir/tls" postfix.smtpconf.test
	write_main_cf "$dir"
	if [[ -n ${POSTFIX_SETTINGS:-} ]]; then
		printf '\n# ---- POSTFIX_SETTINGS ----\n%s\n' \
			"$POSTFIX_SETTINGS" >>"$dir/etc/main.cf"
	fi
	write_master_cf "$dir" "$port"
	# data_directory belongs to mail_owner (master.lock, caches);
	# `postfix start` creates the queue's subdirectories itself.
	owner=$("$POSTCONF" -c "$dir/etc" -h mail_owner)
	chown "$owner:" "$dir/data"
	chmod 0700 "$dir/data"
	if ! "$POSTFIX" -c "$dir/etc" start >"$dir/start.log" 2>&1; then
		start_failed "$dir" "postfix -c $dir/etc start failed"
	fi
	if ! wait_for_greeting 127.0.0.1 "$port" "$START_TIMEOUT"; then
		start_failed "$dir" "no 220 greeting on 127.0.0.1:$port" \
			"within ${START_TIMEOUT}s"
	fi
	pid=$(master_pid "$dir") || start_failed "$dir" "no master.pid"
	echo "$pid" >"$dir/pid"
	echo "$port" >"$dir/port"
	version=$("$POSTCONF" -c "$dir/etc" -h mail_version 2>/dev/null) ||
		version=unknown
	echo "Postfix $version on 127.0.0.1:$port (master pid $pid," \
		"dir $dir)"
}

# kill_all SIGNAL PID... - signal each PID that is still alive
kill_all() {
	local sig=$1 pid

	shift
	for pid in "$@"; do
		pid_alive "$pid" && kill "-$sig" "$pid" 2>/dev/null
	done
	return 0
}

# cmd_stop DIR - stop the instance, forcefully after a bound
cmd_stop() {
	local dir pid kids pidlist

	dir=$(instance_dir "$1")
	need_root "stopping Postfix needs the rights it started with"
	rm -f "$dir/pid"
	if ! pid=$(master_pid "$dir"); then
		echo "not running ($dir)"
		return 0
	fi
	# Remember the children: they are ours to clean up if the master
	# has to be killed.
	kids=$(child_pids "$pid")
	"$POSTFIX" -c "$dir/etc" stop >/dev/null 2>&1 || true
	if ! wait_pid_gone "$pid" "$STOP_TIMEOUT"; then
		mta_log "master $pid did not stop in ${STOP_TIMEOUT}s; killing"
		kill_all KILL "$pid"
		wait_pid_gone "$pid" 5 || mta_die "cannot kill master $pid"
	fi
	read -r -a pidlist <<<"$(echo "$kids" | tr '\n' ' ')"
	if ((${#pidlist[@]})); then
		for pid in "${pidlist[@]}"; do
			wait_pid_gone "$pid" 5 || kill_all KILL "$pid"
		done
	fi
	echo "stopped ($dir)"
}

# cmd_status DIR - report whether the instance runs
cmd_status() {
	local dir pid port=unknown

	dir=$(instance_dir "$1")
	if pid=$(master_pid "$dir"); then
		[[ -r $dir/port ]] && read -r port <"$dir/port"
		echo "running: master pid $pid, 127.0.0.1:$port ($dir)"
		return 0
	fi
	echo "not running ($dir)"
	return 3
}

mta_main "start:2 stop:1 status:1" "$@"
