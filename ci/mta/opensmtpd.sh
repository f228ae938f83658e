#!/usr/bin/env bash
# ci/mta/opensmtpd.sh - a private OpenSMTPD instance on 127.0.0.1 for
# tests.
#
# usage: opensmtpd.sh install | check
#        opensmtpd.sh start DIR PORT
#        opensmtpd.sh stop DIR
#        opensmtpd.sh status DIR
#
# OpenSMTPD comes from Debian 12's opensmtpd package, which conflicts
# with the Postfix that apt installs: install fetches it with `apt-get
# download` and unpacks it into $SMTPCONF_MTA_CACHE/opensmtpd (default
# /var/cache/smtpconf/opensmtpd) without installing it.  It also does
# what the package's postinst would: create the system users opensmtpd
# and opensmtpq, and the empty directories that smtpd's compiled-in
# paths need as mount points (/var/spool/smtpd, /var/lib/opensmtpd/empty,
# /usr/libexec/opensmtpd).  install does nothing when all exist;
# check exits 0 when they do, 1 when not, and needs no root.
#
# smtpd's spool, control socket, chroot and delivery helpers sit at
# those compiled-in paths, with no option to move them.  start therefore
# runs `smtpd -d -f DIR/smtpd.conf` (-d: foreground, log to stderr) in a
# private mount namespace (unshare -m) in which directories under DIR
# are bind-mounted over them, and over /run (where smtpd.sock goes):
# the host's mounts and files do not change, and the mounts vanish with
# the namespace when smtpd exits.  In the namespace /etc/resolv.conf
# points at 127.0.0.1, so that DNS lookups (smtpd resolves every client
# and its own name) fail at once instead of timing out without a
# network.  It waits (30 s at most) until 127.0.0.1:PORT greets with
# 220.  The instance accepts mail for example.org from loopback and
# discards it (delivered to the command "cat >/dev/null"); it relays
# nothing.  The smtp listener keeps OpenSMTPD's defaults; see
# write_config for what differs from Debian's /etc/smtpd.conf and why.
#
# Layout of DIR:
#   smtpd.conf     the configuration
#   spool/         mounted on /var/spool/smtpd
#   run/           mounted on /run (smtpd.pid, smtpd.sock)
#   empty/         mounted on /var/lib/opensmtpd/empty (the chroot)
#   resolv.conf    mounted on /etc/resolv.conf
#   namespace.sh   what runs inside the namespace: mounts, then smtpd
#   smtpd.log      smtpd's log (-d sends it to stderr)
#   pid, port      smtpd's PID and the port, once up
#
# start stops a stale instance in DIR first, so it can be re-run.  stop
# sends SIGTERM, on which smtpd stops its own processes, waits 15 s,
# then kills what is left.  status exits 0 when the instance runs, 3
# when it does not.  start and stop must run as root, and so must
# install when something is missing.

# shellcheck source-path=SCRIPTDIR
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"

PACKAGES=(opensmtpd)
TREE=opensmtpd
MAILNAME=opensmtpd.smtpconf.test
# Compiled-in paths: spool, chroot, delivery helpers (mail.mda).
SPOOL=/var/spool/smtpd
CHROOT=/var/lib/opensmtpd/empty
LIBEXEC=/usr/libexec/opensmtpd
START_TIMEOUT=30
STOP_TIMEOUT=15

# usage - the synopsis, then exit 2
usage() {
	echo "usage: ${0##*/} install | check | start DIR PORT |" \
		"stop DIR | status DIR" >&2
	exit 2
}

# installed - 0 when the tree, the users and the mount points are there
installed() {
	deb_root "$TREE" >/dev/null &&
		getent passwd opensmtpd >/dev/null &&
		getent passwd opensmtpq >/dev/null &&
		[[ -d $SPOOL && -d $CHROOT && -d $LIBEXEC ]]
}

# cmd_install - unpack Debian's OpenSMTPD and prepare users and paths
#
# When all exist it only checks that the binary runs.
cmd_install() {
	local user

	command -v unshare >/dev/null ||
		mta_die "unshare (util-linux) is missing"
	if ! installed; then
		need_root "the cache, users and mount points belong to the" \
			"system"
		deb_unpack "$TREE" "${PACKAGES[@]}" ||
			mta_die "cannot fetch OpenSMTPD's package" \
				"(apt-get update?)"
		# As the package's postinst does: smtpd refuses to start
		# without them (it drops to opensmtpd, its queue runs as
		# opensmtpq).
		for user in opensmtpd opensmtpq; do
			ensure_system_user "$user" "$CHROOT" ||
				mta_die "cannot create the system user $user"
		done
		# Mount points only: empty and root-owned, as the package
		# ships them.  Nothing is written to them outside our
		# namespace.
		mkdir -p "$SPOOL" "$CHROOT" "$LIBEXEC"
	fi
	smtpd_root >/dev/null
}

# smtpd_root - print the unpacked tree, checking that the binary runs
smtpd_root() {
	local root out

	root=$(deb_root "$TREE") ||
		mta_die "OpenSMTPD is not unpacked (run ${0##*/} install)"
	# `smtpd -h` prints the version and usage, then exits 1: only a
	# binary that cannot run (a library missing) prints no version.
	out=$("$root/usr/sbin/smtpd" -h 2>&1) || true
	if [[ $out != *"version: OpenSMTPD"* ]]; then
		printf '%s\n' "$out" | head -n 3 | sed 's/^/  smtpd: /' >&2
		mta_die "the unpacked smtpd does not run (a library missing?)"
	fi
	echo "$root"
}

# daemon_pid DIR - print the running smtpd's PID, or fail
daemon_pid() {
	local pid

	[[ -r $1/pid ]] || return 1
	read -r pid <"$1/pid" || return 1
	pid_is "$pid" smtpd || return 1
	echo "$pid"
}

# write_config DIR PORT - smtpd.conf: Debian's file, made private
#
# Debian's /etc/smtpd.conf listens on localhost, delivers mail for the
# local host to maildirs through /etc/aliases, and relays anything
# that local clients send.  Ours keeps the listener's defaults and
# replaces the rest: one domain accepted, all of it discarded, no
# relaying.  Recipients in no "match" rule get OpenSMTPD's default
# answer, 550 Invalid recipient.
write_config() {
	local dir=$1 port=$2

	cat >"$dir/smtpd.conf" <<EOF
# Written by ci/mta/opensmtpd.sh: a private test instance.

# IPv4 loopback on our port (Debian: "listen on localhost", port 25).
# A fixed host name: no lookup of this machine's name, a stable banner.
# STARTTLS offered (not required) with a fresh self-signed certificate,
# as smtpd.conf(5) shows; Debian's file has no pki.  This build's
# handshake fails (docs/real-servers.md), which the rfc3207 scenarios
# record.
pki $MAILNAME cert "$dir/tls/cert.pem"
pki $MAILNAME key "$dir/tls/key.pem"
listen on 127.0.0.1 port $port hostname $MAILNAME tls pki $MAILNAME

# Discard: the message goes to a command that reads and drops it.  The
# virtual mapping makes every local part deliverable, as user nobody
# (Debian's file maps them through /etc/aliases to system users).
action "discard" mda "cat >/dev/null" virtual { "@" = "nobody" }

# Only the suite's domain, only from this host; no "relay" action.
match from local for domain "example.org" action "discard"
EOF
}

# write_namespace_script DIR ROOT - the mounts and smtpd, in the namespace
write_namespace_script() {
	local dir=$1 root=$2

	echo "nameserver 127.0.0.1" >"$dir/resolv.conf"
	cat >"$dir/namespace.sh" <<EOF
# Written by ci/mta/opensmtpd.sh; run by \`unshare -m\`, whose new mount
# namespace is private: none of these mounts is seen outside it.
set -e
mount --bind "$dir/spool" $SPOOL
mount --bind "$dir/empty" $CHROOT
mount --bind "$root$LIBEXEC" $LIBEXEC
mount --bind "$dir/run" /run
# After /run: /etc/resolv.conf may be a link into it.
if [ -e /etc/resolv.conf ]; then
	mount --bind "$dir/resolv.conf" /etc/resolv.conf
fi
exec "$root/usr/sbin/smtpd" -d -f "$dir/smtpd.conf"
EOF
}

# prepare_dirs DIR - the directories smtpd checks before it starts
prepare_dirs() {
	local dir=$1

	mkdir -p "$dir/spool" "$dir/run" "$dir/empty"
	# smtpd insists on these modes; it creates the queue below itself.
	chmod 0711 "$dir/spool"
	chmod 0755 "$dir" "$dir/run" "$dir/empty"
	# Its unprivileged processes reach the spool by absolute path.
	grant_search_to_all "$dir" ||
		mta_die "OpenSMTPD's users cannot reach $dir"
}

# clean_instance DIR - remove what an earlier start left in DIR
clean_instance() {
	local dir=$1

	rm -rf "${dir:?}/spool" "${dir:?}/run" "${dir:?}/empty"
	rm -rf "${dir:?}/tls"
	rm -f "$dir/smtpd.conf" "$dir/resolv.conf" "$dir/namespace.sh" \
		"$dir/smtpd.log" "$dir/pid" "$dir/port"
}

# start_failed DIR MSG - show the log, stop what started, and fail
start_failed() {
	local dir=$1

	shift
	if [[ -s $dir/smtpd.log ]]; then
		tail -n 20 "$dir/smtpd.log" | sed 's/^/  smtpd: /' >&2
	fi
	cmd_stop "$dir" >/dev/null 2>&1 || true
	mta_die "$*"
}

# cmd_start DIR PORT - configure and start the instance
cmd_start() {
	local dir port=$2 root pid version

	dir=$(instance_dir "$1")
	is_port "$port" || mta_die "not a port number: $port"
	need_root "smtpd starts as root, and mounts need it"
	installed || cmd_install
	root=$(smtpd_root)
	mkdir -p "$dir"
	[[ -e $dir/pid ]] && { cmd_stop "$dir" >/dev/null 2>&1 || true; }
	clean_instance "$dir"
	port_in_use "$port" && mta_die "127.0.0.1:$port is already in use"
	prepare_dirs "$dir"
	make_test_cert "$dir/tls" "$MAILNAME"
	write_config "$dir" "$port"
	write_namespace_script "$dir" "$root"
	"$root/usr/sbin/smtpd" -n -f "$dir/smtpd.conf" \
		>"$dir/smtpd.log" 2>&1 ||
		start_failed "$dir" "smtpd rejects $dir/smtpd.conf"
	# unshare and sh both exec, so $! ends up as smtpd's own PID.  Our
	# stdin and stdout stay out of it: the caller's pipes must close.
	unshare --mount --propagation private sh "$dir/namespace.sh" \
		</dev/null >>"$dir/smtpd.log" 2>&1 &
	pid=$!
	echo "$pid" >"$dir/pid"
	echo "$port" >"$dir/port"
	if ! wait_for_server "$pid" 127.0.0.1 "$port" "$START_TIMEOUT"; then
		start_failed "$dir" "no 220 greeting on 127.0.0.1:$port" \
			"within ${START_TIMEOUT}s"
	fi
	pid_is "$pid" smtpd || start_failed "$dir" "pid $pid is not smtpd"
	version=$(deb_version "$TREE" opensmtpd) || version=unknown
	echo "OpenSMTPD $version on 127.0.0.1:$port (pid $pid, dir $dir)"
}

# cmd_stop DIR - stop the instance, forcefully after a bound
cmd_stop() {
	local dir pid

	dir=$(instance_dir "$1")
	need_root "stopping smtpd needs the rights it started with"
	if ! pid=$(daemon_pid "$dir"); then
		# Started but not yet exec'd into smtpd: the namespace script.
		if [[ -r $dir/pid ]] && read -r pid <"$dir/pid" &&
			{ pid_is "$pid" unshare || pid_is "$pid" sh; }; then
			stop_daemon "$pid" TERM 5 || true
		fi
		rm -f "$dir/pid"
		echo "not running ($dir)"
		return 0
	fi
	stop_daemon "$pid" TERM "$STOP_TIMEOUT" ||
		mta_die "cannot kill smtpd $pid"
	rm -f "$dir/pid"
	echo "stopped ($dir)"
}

# cmd_status DIR - report whether the instance runs
cmd_status() {
	local dir pid port=unknown

	dir=$(instance_dir "$1")
	if pid=$(daemon_pid "$dir"); then
		[[ -r $dir/port ]] && read -r port <"$dir/port"
		echo "running: smtpd pid $pid, 127.0.0.1:$port ($dir)"
		return 0
	fi
	echo "not running ($dir)"
	return 3
}

# cmd_check - exit 0 when the unpacked server is usable
cmd_check() {
	installed
}

mta_main "install:0 check:0 start:2 stop:1 status:1" "$@"
