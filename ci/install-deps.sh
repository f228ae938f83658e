#!/usr/bin/env bash
# ci/install-deps.sh - install the Debian 12 packages smtpconf needs to
# build and test, and only those that are missing.
#
# usage: ci/install-deps.sh [--with-bench] [--with-browser]
#
# Installs build-essential, cmake, pkg-config, clang, the OpenSSL,
# libpcap and CUnit headers, and the real servers the integration tests
# start privately (ci/mta/): Postfix and python3-aiosmtpd from apt.
# Debian's other MTAs conflict with Postfix, so Exim and OpenSMTPD are
# fetched and unpacked into a cache instead (`ci/mta/exim.sh install`,
# `ci/mta/opensmtpd.sh install`, which also create their system users);
# libidn12 is installed for the unpacked Exim, which links with it;
# openssl (the command) makes each test server's throwaway certificate.
# tshark reads back the captures of `run --pcap` in the tests; debconf
# is told not to make dumpcap setuid (nothing here captures live).
# python3 and libxml2-utils (xmllint) check that the reports stay
# valid JSON and XML against the hostile server (tests/hostile/).
# zip packs the seed corpora in fuzz/oss-fuzz-build.sh (CTest
# fuzz:oss-fuzz-build).
# --with-bench adds swaks, libnet-ssleay-perl (swaks' TLS) and
# hyperfine; Postfix already brings smtp-source.
#
# Idempotent and quiet: when everything is installed it prints nothing
# and exits 0.  Installing needs root; without it, what is missing is
# named and the script exits 1.  Postfix is installed with debconf
# answering "No configuration", so the package neither configures nor
# starts a system instance; if one runs or is enabled anyway right
# after we installed it, it is stopped and disabled.  A Postfix that
# was installed before is never touched.
set -euo pipefail

BASE_PACKAGES=(build-essential cmake pkg-config clang libssl-dev openssl zip
	libpcap-dev libcunit1-dev postfix python3-aiosmtpd libidn12 tshark
	python3-yaml python3 libxml2-utils)
# Servers unpacked beside the system, each by its own ci/mta script.
UNPACKED_MTAS=(exim opensmtpd)
BENCH_PACKAGES=(swaks libnet-ssleay-perl hyperfine)
BROWSER_PACKAGES=(chromium)

# usage - the synopsis, then exit 2
usage() {
	echo "usage: ${0##*/} [--with-bench] [--with-browser]" >&2
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

# preseed_wireshark - no setuid dumpcap, and no question asked
preseed_wireshark() {
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
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

# unpack_mtas - fetch and unpack the MTAs apt cannot install beside
# Postfix; quiet when they are there already
unpack_mtas() {
	local here mta script updated=0

	here=$(cd "$(dirname "$0")" && pwd)
	for mta in "${UNPACKED_MTAS[@]}"; do
		script=$here/mta/$mta.sh
		"$script" check && continue
		if [[ $(id -u) != 0 ]]; then
			say "error: $mta is not unpacked yet"
			say "run as root to fetch it: sudo $0"
			exit 1
		fi
		say "fetching $mta (apt-get download, unpacked, not installed)"
		# apt-get download needs current package lists, which a
		# fresh container lacks and an old one has stale.
		if ((updated == 0)); then
			apt-get update -q >/dev/null 2>&1 || true
			updated=1
		fi
		"$script" install ||
			{ say "error: cannot fetch $mta"; exit 1; }
	done
}

# main - work out what is missing and install it
main() {
	local want=("${BASE_PACKAGES[@]}") missing postfix_new=0 arg

	for arg in "$@"; do
		case $arg in
		--with-bench) want+=("${BENCH_PACKAGES[@]}") ;;
		--with-browser) want+=("${BROWSER_PACKAGES[@]}") ;;
		*) usage ;;
		esac
	done
	command -v dpkg-query >/dev/null ||
		{ say "error: this script is for Debian (no dpkg-query)"; exit 1; }
	mapfile -t missing < <(missing_packages "${want[@]}")
	if ((${#missing[@]} == 0)); then
		unpack_mtas
		exit 0
	fi
	if [[ $(id -u) != 0 ]]; then
		say "error: missing packages: ${missing[*]}"
		say "run as root to install them: sudo $0 $*"
		exit 1
	fi
	if [[ " ${missing[*]} " == *" postfix "* ]]; then
		preseed_postfix
		postfix_new=1
	fi
	[[ " ${missing[*]} " == *" tshark "* ]] && preseed_wireshark
	apt_install "${missing[@]}"
	mapfile -t missing < <(missing_packages "${want[@]}")
	if ((${#missing[@]})); then
		say "error: still missing after install: ${missing[*]}"
		exit 1
	fi
	((postfix_new)) && quiesce_system_postfix
	unpack_mtas
	exit 0
}

main "$@"
