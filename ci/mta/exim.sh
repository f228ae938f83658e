#!/usr/bin/env bash
# ci/mta/exim.sh - a private Exim 4 instance on 127.0.0.1 for tests.
#
# usage: exim.sh install | check
#        exim.sh start DIR PORT
#        exim.sh stop DIR
#        exim.sh status DIR
#
# Exim comes from Debian 12's packages (exim4-daemon-light, exim4-base,
# exim4-config).  They conflict with the Postfix that apt installs, so
# install fetches them with `apt-get download` and unpacks them into
# $SMTPCONF_MTA_CACHE/exim4 (default /var/cache/smtpconf/exim4) without
# installing them, and creates the system user Debian-exim that the
# binary is built to run as.  install does nothing when both exist;
# check exits 0 when they do, 1 when not, and needs no root.
#
# start runs install if needed, then builds a configuration under DIR
# with Debian's own generator (update-exim4.conf) from Debian's own
# template and the answers a fresh install gives, and runs the daemon
# in the foreground, `exim4 -C DIR/exim4.conf -bdf -oX PORT`, so the
# PID we hold is the daemon's.  It waits (30 s at most) until
# 127.0.0.1:PORT greets with 220.  The instance accepts mail for
# example.org from loopback and discards all of it: the first router
# sends every address to :blackhole:, nothing is delivered or relayed,
# and no DNS lookup is made.  Apart from what loopback, privacy and
# discarding need (each setting below says why), Exim keeps Debian's
# defaults, ACLs and limits included: those are what the suite tests.
#
# Layout of DIR:
#   conf/          generator input: update-exim4.conf.conf, template,
#                  local macros, mailname, the generator itself
#   exim4.conf     the generated configuration the daemon runs
#   spool/         spool_directory (owned by Debian-exim)
#   log/           log_file_path: mainlog, rejectlog, paniclog
#   tls/           cert.pem and key.pem (owned by Debian-exim), made at
#                  start by make_test_cert; STARTTLS offers them
#   daemon.log     the daemon's stderr
#   pid, port      the daemon's PID and the port, once up
#
# start stops a stale instance in DIR first, so it can be re-run.  stop
# sends SIGTERM and waits 15 s before SIGKILL; sessions already open
# live in child processes that outlive the daemon, so those get SIGTERM
# (then SIGKILL) too.  status exits 0 when the instance runs, 3 when it
# does not.  start and stop must run as root, and so must install when
# something is missing: Exim starts as root and drops to Debian-exim
# itself.

# shellcheck source-path=SCRIPTDIR
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"

PACKAGES=(exim4-daemon-light exim4-base exim4-config)
TREE=exim4
EXIM_USER=Debian-exim
MAILNAME=exim.smtpconf.test
START_TIMEOUT=30
STOP_TIMEOUT=15

# usage - the synopsis, then exit 2
usage() {
	echo "usage: ${0##*/} install | check | start DIR PORT |" \
		"stop DIR | status DIR" >&2
	exit 2
}

# installed - 0 when the tree and the user are both there
installed() {
	deb_root "$TREE" >/dev/null && getent passwd "$EXIM_USER" >/dev/null
}

# cmd_install - unpack Debian's Exim and create its user, once
#
# When both exist it only checks the binary's libraries.
cmd_install() {
	if ! installed; then
		need_root "the cache and the $EXIM_USER user belong to the" \
			"system"
		deb_unpack "$TREE" "${PACKAGES[@]}" ||
			mta_die "cannot fetch Exim's packages" \
				"(apt-get update?)"
		# As exim4-base's postinst does; the home is never created.
		ensure_system_user "$EXIM_USER" /var/spool/exim4 ||
			mta_die "cannot create the system user $EXIM_USER"
	fi
	exim_root >/dev/null
}

# exim_root - print the unpacked tree, checking the binary's libraries
#
# Not by running it: any exim4 -bV whose configuration does not name a
# spool creates the system's /var/spool/exim4.  start runs -bV with our
# configuration instead.
exim_root() {
	local root missing

	root=$(deb_root "$TREE") ||
		mta_die "Exim is not unpacked (run ${0##*/} install)"
	missing=$(ldd "$root/usr/sbin/exim4" 2>&1 | grep 'not found') || true
	if [[ -n $missing ]]; then
		printf '%s\n' "$missing" | sed 's/^[[:space:]]*/  exim4: /' >&2
		mta_die "the unpacked exim4 lacks libraries" \
			"(ci/install-deps.sh installs libidn12)"
	fi
	echo "$root"
}

# daemon_pid DIR - print the running daemon's PID, or fail
daemon_pid() {
	local pid

	[[ -r $1/pid ]] || return 1
	read -r pid <"$1/pid" || return 1
	pid_is "$pid" exim4 || return 1
	echo "$pid"
}

# write_generator_input DIR ROOT - what update-exim4.conf reads
write_generator_input() {
	local dir=$1 root=$2 conf=$1/conf macros=exim4.conf.localmacros

	# The answers a fresh, non-interactive install of exim4-config
	# records (its debconf defaults), with two changes, each marked.
	# The mail name they derive from is fixed (see mailname below).
	cat >"$conf/update-exim4.conf.conf" <<EOF
# Written by ci/mta/exim.sh: Debian's defaults for a fresh install,
# except where marked.
dc_eximconfig_configtype='local'
# As on a fresh install: the mail name.
dc_other_hostnames='$MAILNAME'
# Changed: IPv4 loopback only (default '127.0.0.1 ; ::1'), like the
# Postfix instance; -oX sets the port.
dc_local_interfaces='127.0.0.1'
dc_readhost=''
# Changed: the suite's recipients (postmaster@example.org) are accepted
# as a relay domain; the first router discards them, like everything.
dc_relay_domains='example.org'
dc_minimaldns='false'
dc_relay_nets=''
dc_smarthost=''
CFILEMODE='644'
dc_use_split_config='false'
dc_hide_mailname=''
dc_mailname_in_oh='true'
dc_localdelivery='mail_spool'
EOF
	# Debian's postinst writes the host's FQDN to /etc/mailname; a
	# fixed name needs no lookup and gives a stable banner.
	echo "$MAILNAME" >"$conf/mailname"
	cp "$root/etc/exim4/exim4.conf.template" "$conf/"
	# Settings the template leaves to macros it defines only when
	# unset (.ifndef), and main options it does not set at all.  The
	# generator puts this file in front of the template.
	cat >"$conf/exim4.conf.localmacros" <<EOF
# Written by ci/mta/exim.sh: what keeps this instance private.
# Files the ACLs look for (blacklists, callouts) come from here, not
# from the system's /etc/exim4; none exist, as on a fresh install.
CONFDIR = $conf
SPOOLDIR = $dir/spool
# No reverse lookup of clients (Debian: host_lookup = *).  Without a
# network each lookup only times out; it changes the client name in
# logs and Received: headers, not the replies.
MAIN_HOST_LOOKUP =
# A fixed name: no lookup of this machine's name, a stable banner.
MAIN_HARDCODE_PRIMARY_HOSTNAME = $MAILNAME
# TLS as Debian's README.Debian sets it up (MAIN_TLS_ENABLE and the
# certificate macros of the template), with the instance's own
# certificate instead of the one Exim makes itself when none is set.
MAIN_TLS_ENABLE = yes
MAIN_TLS_CERTIFICATE = $dir/tls/cert.pem
MAIN_TLS_PRIVATEKEY = $dir/tls/key.pem
log_file_path = $dir/log/%slog
EOF
	# The generator reads two fixed paths, /etc/mailname and the
	# existence of /etc/exim4/exim4.conf.localmacros; a copy of it
	# reads ours instead.  Nothing else in it changes.
	sed -e "s|/etc/mailname|$conf/mailname|g" \
		-e "s|/etc/exim4/$macros|$conf/$macros|g" \
		"$root/usr/sbin/update-exim4.conf" >"$conf/update-exim4.conf"
}

# generate_config DIR ROOT - run Debian's generator, then add our router
generate_config() {
	local dir=$1 root=$2 out=$1/exim4.conf

	sh "$dir/conf/update-exim4.conf" --confdir "$dir/conf" \
		--output "$out.generated" >"$dir/generate.log" 2>&1 || {
		sed 's/^/  update-exim4.conf: /' "$dir/generate.log" >&2
		mta_die "update-exim4.conf failed"
	}
	# exim_path: Exim re-executes itself to deliver (and drops root for
	# it with -C); it must find the unpacked binary, not /usr/sbin's.
	# The router, first of all: every address, whatever its domain,
	# is accepted by routing and thrown away.  Nothing is delivered.
	awk -v exim="$root/usr/sbin/exim4" '
		/^exim_path[ \t]*=/ { print "exim_path = " exim; next }
		{ print }
		/^begin routers[ \t]*$/ {
			print ""
			print "# Added by ci/mta/exim.sh: discard all mail."
			print "smtpconf_discard:"
			print "  driver = redirect"
			print "  data = :blackhole:"
			print ""
		}' "$out.generated" >"$out"
	rm -f "$out.generated"
	grep -q '^smtpconf_discard:' "$out" ||
		mta_die "no 'begin routers' in the generated configuration"
	# Exim refuses a configuration writable by others, and reads it
	# again as Debian-exim when it re-executes itself.
	chown "root:$EXIM_USER" "$out"
	chmod 0640 "$out"
}

# clean_instance DIR - remove what an earlier start left in DIR
clean_instance() {
	local dir=$1

	rm -rf "${dir:?}/conf" "${dir:?}/spool" "${dir:?}/log" "${dir:?}/tls"
	rm -f "$dir/exim4.conf" "$dir/generate.log" "$dir/daemon.log" \
		"$dir/pid" "$dir/port"
}

# start_failed DIR MSG - show the logs, stop what started, and fail
start_failed() {
	local dir=$1 f

	shift
	for f in "$dir/daemon.log" "$dir/log/paniclog" "$dir/log/mainlog"; do
		[[ -s $f ]] && tail -n 20 "$f" | sed "s|^|  ${f##*/}: |" >&2
	done
	cmd_stop "$dir" >/dev/null 2>&1 || true
	mta_die "$*"
}

# cmd_start DIR PORT - configure and start the instance
cmd_start() {
	local dir port=$2 root pid version

	dir=$(instance_dir "$1")
	is_port "$port" || mta_die "not a port number: $port"
	need_root "Exim starts as root and drops to $EXIM_USER"
	installed || cmd_install
	root=$(exim_root)
	mkdir -p "$dir"
	[[ -e $dir/pid ]] && { cmd_stop "$dir" >/dev/null 2>&1 || true; }
	clean_instance "$dir"
	port_in_use "$port" && mta_die "127.0.0.1:$port is already in use"
	mkdir -p "$dir/conf" "$dir/spool" "$dir/log"
	chmod 0755 "$dir" "$dir/conf"
	grant_search_to_all "$dir" ||
		mta_die "$EXIM_USER cannot reach $dir"
	chown "$EXIM_USER:$EXIM_USER" "$dir/spool" "$dir/log"
	chmod 0750 "$dir/spool" "$dir/log"
	# Exim reads the key after dropping to Debian-exim.
	make_test_cert "$dir/tls" "$MAILNAME" "$EXIM_USER"
	write_generator_input "$dir" "$root"
	generate_config "$dir" "$root"
	"$root/usr/sbin/exim4" -C "$dir/exim4.conf" -bV \
		>"$dir/daemon.log" 2>&1 ||
		start_failed "$dir" "Exim rejects $dir/exim4.conf"
	# -bdf: the daemon stays in the foreground, so $! is its PID.
	# stdin and stdout are closed to us: the caller's pipes must not
	# stay open for as long as the daemon runs.
	"$root/usr/sbin/exim4" -C "$dir/exim4.conf" -bdf -oX "$port" \
		</dev/null >>"$dir/daemon.log" 2>&1 &
	pid=$!
	echo "$pid" >"$dir/pid"
	echo "$port" >"$dir/port"
	if ! wait_for_server "$pid" 127.0.0.1 "$port" "$START_TIMEOUT"; then
		start_failed "$dir" "no 220 greeting on 127.0.0.1:$port" \
			"within ${START_TIMEOUT}s"
	fi
	version=$(deb_version "$TREE" exim4-daemon-light) || version=unknown
	echo "Exim $version on 127.0.0.1:$port (daemon pid $pid, dir $dir)"
}

# cmd_stop DIR - stop the instance, forcefully after a bound
cmd_stop() {
	local dir pid

	dir=$(instance_dir "$1")
	need_root "stopping Exim needs the rights it started with"
	if ! pid=$(daemon_pid "$dir"); then
		rm -f "$dir/pid"
		echo "not running ($dir)"
		return 0
	fi
	stop_daemon "$pid" TERM "$STOP_TIMEOUT" ||
		mta_die "cannot kill the Exim daemon $pid"
	rm -f "$dir/pid"
	echo "stopped ($dir)"
}

# cmd_status DIR - report whether the instance runs
cmd_status() {
	local dir pid port=unknown

	dir=$(instance_dir "$1")
	if pid=$(daemon_pid "$dir"); then
		[[ -r $dir/port ]] && read -r port <"$dir/port"
		echo "running: daemon pid $pid, 127.0.0.1:$port ($dir)"
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
