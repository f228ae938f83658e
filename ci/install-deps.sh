#!/usr/bin/env bash
# ci/install-deps.sh - install the Debian 12 packages smtpconf needs to
# build and test, and only those that are missing.
#
# usage: ci/install-deps.sh [--with-bench]
#
# Installs build-essential, cmake, pkg-config, clang, the OpenSSL,
# libpcap and CUnit headers, and Postfix (the real MTA the integration
# tests start privately with ci/mta/postfix.sh).  --with-bench adds
# swaks, libnet-ssleay-perl (swaks' TLS) and hyperfine; Postfix already
# brings smtp-source.
#
# Idempotent and quiet: when everything is installed it prints nothing
# and exits 0.  Installing needs root; without it, the missing packages
# are named and the script exits 1.  Postfix is installed with debconf
# answering "No configuration", so the package neither configures nor
# starts a system instance; if one runs or is enabled anyway right
# after we installed it, it is stopped and disabled.  A Postfix that
# was installed before is never touched.
set -euo pipefail

BASE_PACKAGES=(build-essential cmake pkg-config clang libssl-dev
	libpcap-dev libcunit1-dev postfix)
BENCH_PACKAGES=(swaks libnet-ssleay-perl hyperfine)

# usage - the synopsis, then exit 2
usage() {
	echo "usage: ${0##*/} [--with-bench]" >&2
	exit 2
}

# say - a message on stderr, prefixed with the script's name
say() {
	echo "${0##*/}: $*" >&2
}

# is_installed PKG - 0 when dpkg has PKG fully installed
is_installed() {
	[[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == \
		installed ]]
}

# missing_packages PKG... - print those not installed, one a line
missing_packages() {
	local pkg

	for pkg in "$@"; do
		is_installed "$pkg" || echo "$pkg"
	done
}

# preseed_postfix - answer debconf so no system instance is configured
preseed_postfix() {
	echo "postfix postfix/main_mailer_type select No configuration" |
		debconf-set-selections
}

# apt_install PKG... - one update, then install, quiet unless it fails
apt_install() {
	local log

	log=$(mktemp "${TMPDIR:-/tmp}/install-deps.XXXXXX")
	say "installing: $*"
	if ! { apt-get update -q &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			-o Dpkg::Options::=--force-confdef \
			-o Dpkg::Options::=--force-confold "$@"; } >"$log" 2>&1
	then
		cat "$log" >&2
		rm -f "$log"
		say "error: apt-get failed"
		exit 1
	fi
	rm -f "$log"
}

# system_postfix_pid - print the PID of a running system Postfix master
system_postfix_pid() {
	local pidfile=/var/spool/postfix/pid/master.pid pid

	[[ -r $pidfile ]] || return 1
	read -r pid <"$pidfile" || return 1
	[[ $pid =~ ^[0-9]+$ && -d /proc/$pid ]] || return 1
	[[ $(cat "/proc/$pid/comm" 2>/dev/null) == master ]] || return 1
	echo "$pid"
}

# quiesce_system_postfix - stop and disable the instance we installed
quiesce_system_postfix() {
	local pid i

	if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null
	then
		systemctl disable --now postfix.service >/dev/null 2>&1 || true
	elif [[ -x /etc/init.d/postfix ]] && command -v update-rc.d \
		>/dev/null; then
		update-rc.d postfix disable >/dev/null 2>&1 || true
	fi
	pid=$(system_postfix_pid) || return 0
	say "stopping the system Postfix the package started (pid $pid)"
	postfix stop >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
	for ((i = 0; i < 150; i++)); do
		[[ -d /proc/$pid ]] || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
}

# main - work out what is missing and install it
main() {
	local want=("${BASE_PACKAGES[@]}") missing postfix_new=0

	case $# in
	0) ;;
	1) [[ $1 == --with-bench ]] || usage
	   want+=("${BENCH_PACKAGES[@]}") ;;
	*) usage ;;
	esac
	command -v dpkg-query >/dev/null ||
		{ say "error: this script is for Debian (no dpkg-query)"; exit 1; }
	mapfile -t missing < <(missing_packages "${want[@]}")
	((${#missing[@]})) || exit 0
	if [[ $(id -u) != 0 ]]; then
		say "error: missing packages: ${missing[*]}"
		say "run as root to install them: sudo $0 $*"
		exit 1
	fi
	if [[ " ${missing[*]} " == *" postfix "* ]]; then
		preseed_postfix
		postfix_new=1
	fi
	apt_install "${missing[@]}"
	mapfile -t missing < <(missing_packages "${want[@]}")
	if ((${#missing[@]})); then
		say "error: still missing after install: ${missing[*]}"
		exit 1
	fi
	((postfix_new)) && quiesce_system_postfix
	exit 0
}

main "$@"
