# shellcheck shell=bash
# ci/mta/common.sh - helpers shared by the scripts that run real MTAs
# (sourced, not run).
#
# Every server these scripts start listens on loopback only, is waited
# for with a bound, and is stopped by the PID it wrote.  Nothing here
# kills by process name.

# mta_log - a message on stderr, prefixed with the script's name
mta_log() {
	echo "${0##*/}: $*" >&2
}

# mta_die - report an error and exit 1
mta_die() {
	mta_log "error: $*"
	exit 1
}

# is_port - 0 when $1 is a TCP port number 1..65535
is_port() {
	[[ $1 =~ ^[0-9]{1,5}$ ]] && (($1 >= 1 && $1 <= 65535))
}

# port_in_use PORT - 0 when something accepts connections on 127.0.0.1:PORT
port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# free_port - print a TCP port on 127.0.0.1 that nothing listens on
#
# Ports are drawn below the kernel's ephemeral range, so that an
# outgoing connection cannot be holding the port we hand out.  There is
# a window between this check and the server's bind(); callers that
# need certainty retry on a bind failure.
free_port() {
	local low=32768 port i

	if [[ -r /proc/sys/net/ipv4/ip_local_port_range ]]; then
		read -r low _ </proc/sys/net/ipv4/ip_local_port_range
	fi
	((low > 20000 + 1000)) || low=61000
	for ((i = 0; i < 200; i++)); do
		port=$((20000 + (RANDOM * 32768 + RANDOM) % (low - 20000)))
		if ! port_in_use "$port"; then
			echo "$port"
			return 0
		fi
	done
	mta_log "no free port found on 127.0.0.1"
	return 1
}

# read_greeting HOST PORT - print the first line the server sends
#
# Connects with bash's /dev/tcp, reads one line (5 s at most) and says
# QUIT so the server logs a clean session.
read_greeting() {
	# shellcheck disable=SC2016 # the inner script expands its own $0 $1
	timeout 5 bash -c '
		exec 3<>"/dev/tcp/$0/$1" || exit 1
		IFS= read -r -t 4 line <&3 || exit 1
		printf "QUIT\r\n" >&3
		printf "%s\n" "${line%$'"'"'\r'"'"'}"
		exec 3>&-
	' "$1" "$2" 2>/dev/null
}

# wait_for_greeting HOST PORT TIMEOUT - 0 once HOST:PORT greets with 220
wait_for_greeting() {
	local host=$1 port=$2 limit=$3 line
	local end=$((SECONDS + limit))

	while ((SECONDS < end)); do
		line=$(read_greeting "$host" "$port") || line=""
		case $line in
		220[\ -]*) return 0 ;;
		esac
		sleep 0.2
	done
	return 1
}

# pid_alive PID - 0 when the process exists (and is not a zombie)
pid_alive() {
	local state

	[[ $1 =~ ^[0-9]+$ ]] || return 1
	[[ -r /proc/$1/stat ]] || return 1
	state=$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$1/stat" 2>/dev/null) ||
		return 1
	[[ $state != Z && -n $state ]]
}

# child_pids PID - print the PIDs of PID's direct children, one a line
#
# Forks nothing: it is called in loops, and a process per /proc entry
# took seconds where forks are slow.  Each /proc/N/stat is read with
# bash's own read and its fourth field, the parent PID, compared.
# (/proc/PID/task/TID/children would be quicker, but it exists only
# with CONFIG_PROC_CHILDREN and ends without a newline.)
child_pids() {
	local stat line ppid pid

	[[ $1 =~ ^[0-9]+$ ]] || return 0
	for stat in /proc/[0-9]*/stat; do
		{ read -r line <"$stat"; } 2>/dev/null || continue
		# The command name in field 2 may hold spaces and ")", so cut
		# after the last ") ": what is left is "STATE PPID ...".
		line=${line##*) }
		ppid=${line#* }
		ppid=${ppid%% *}
		if [[ $ppid == "$1" ]]; then
			pid=${stat#/proc/}
			echo "${pid%/stat}"
		fi
	done
}

# wait_pid_gone PID SECONDS - 0 once PID has exited, 1 after the bound
wait_pid_gone() {
	local end=$((SECONDS + $2))

	while pid_alive "$1"; do
		((SECONDS < end)) || return 1
		sleep 0.1
	done
	return 0
}

# need_root WHY - exit with an explanation unless we are root
need_root() {
	if [[ $(id -u) != 0 ]]; then
		mta_die "must run as root: $1"
	fi
}

# wait_for_server PID HOST PORT TIMEOUT - 0 once HOST:PORT greets with 220
#
# Like wait_for_greeting, but gives up at once when the server we
# started (PID) has exited: its log then says why.
wait_for_server() {
	local pid=$1 host=$2 port=$3 limit=$4 line
	local end=$((SECONDS + limit))

	while ((SECONDS < end)); do
		pid_alive "$pid" || return 1
		line=$(read_greeting "$host" "$port") || line=""
		case $line in
		220[\ -]*) return 0 ;;
		esac
		sleep 0.2
	done
	return 1
}

# pid_is PID NAME - 0 when PID is alive and its command name is NAME
#
# A PID file may outlive its process, and the number may since belong
# to someone else: check the name before signalling anything.
pid_is() {
	pid_alive "$1" && [[ $(cat "/proc/$1/comm" 2>/dev/null) == "$2" ]]
}

# stop_daemon PID SIGNAL SECONDS - stop a server we started, then its
# children
#
# Sends SIGNAL to PID and waits SECONDS for it to exit, then kills it.
# Children forked before the signal (sessions in progress) may outlive
# their parent, as Exim's do: each still alive with the same name gets
# SIGTERM, then SIGKILL after 5 s.  Returns 1 only when PID survives
# SIGKILL.
stop_daemon() {
	local pid=$1 sig=$2 limit=$3 kid name
	local -a kids=()

	pid_alive "$pid" || return 0
	for kid in $(child_pids "$pid"); do
		name=$(cat "/proc/$kid/comm" 2>/dev/null) || continue
		kids+=("$kid:$name")
	done
	kill "-$sig" "$pid" 2>/dev/null || true
	if ! wait_pid_gone "$pid" "$limit"; then
		mta_log "pid $pid did not stop in ${limit}s after SIG$sig;" \
			"killing it"
		kill -KILL "$pid" 2>/dev/null || true
		wait_pid_gone "$pid" 5 || return 1
	fi
	for kid in "${kids[@]}"; do
		pid_is "${kid%%:*}" "${kid#*:}" &&
			kill -TERM "${kid%%:*}" 2>/dev/null
	done
	for kid in "${kids[@]}"; do
		wait_pid_gone "${kid%%:*}" 5 ||
			{ pid_is "${kid%%:*}" "${kid#*:}" &&
				kill -KILL "${kid%%:*}" 2>/dev/null; }
	done
	return 0
}

# grant_search_to_all DIR - make DIR and each directory above it
# searchable by other users (o+x)
#
# Servers that drop root open their files by absolute path as their
# own user.  A mktemp -d parent is 0700: it gets o+x, which lets others
# reach known names inside it but not list it.  Directories not owned
# by root are left alone, and then this fails.
grant_search_to_all() {
	local path=$1 perms

	while [[ -n $path && $path != / ]]; do
		perms=$(stat -c %A "$path") || return 1
		if [[ ${perms:9:1} != [xt] ]]; then
			if [[ $(stat -c %u "$path") != 0 ]]; then
				mta_log "$path is not searchable by others" \
					"and not owned by root"
				return 1
			fi
			chmod o+x "$path"
		fi
		path=${path%/*}
	done
}

# ensure_system_user USER HOME - create the system group and user USER,
# as a Debian package's postinst would, when they do not exist yet
#
# --force-badname: Debian's own names may have capitals (Debian-exim).
ensure_system_user() {
	local user=$1 home=$2

	if ! getent group "$user" >/dev/null; then
		addgroup --system --quiet --force-badname "$user" >/dev/null ||
			return 1
	fi
	getent passwd "$user" >/dev/null && return 0
	adduser --system --quiet --force-badname --ingroup "$user" \
		--home "$home" --no-create-home --disabled-login \
		--gecos "$user (smtpconf tests)" "$user" >/dev/null
}

# ---- Debian packages unpacked beside the installed system ----
#
# Debian's MTA packages conflict with each other (each provides
# mail-transport-agent), and apt installs Postfix.  The other MTAs are
# fetched with `apt-get download` and unpacked with `dpkg-deb -x` into
# a cache of ours, never installed: no maintainer script runs and
# nothing under /etc or /usr changes.

# mta_cache_dir - where unpacked packages live ($SMTPCONF_MTA_CACHE)
mta_cache_dir() {
	echo "${SMTPCONF_MTA_CACHE:-/var/cache/smtpconf}"
}

# deb_root NAME - print the unpacked tree NAME, or fail when it is absent
deb_root() {
	local root

	root=$(mta_cache_dir)/$1
	[[ -e $root/.smtpconf-complete ]] || return 1
	echo "$root"
}

# deb_version NAME PKG - print the Debian version of PKG unpacked in NAME
deb_version() {
	local root pkg version

	root=$(deb_root "$1") || return 1
	while read -r pkg version; do
		[[ $pkg == "$2" ]] && { echo "$version"; return 0; }
	done <"$root/.smtpconf-versions"
	return 1
}

# deb_unpack NAME PKG... - download PKG... and unpack them as tree NAME
#
# Idempotent: an existing complete tree is kept as it is.  The tree is
# built in a temporary directory and renamed into place at the end, so
# an interrupted run leaves no half tree behind.  Needs apt's package
# lists (apt-get update) and write access to the cache.
deb_unpack() {
	local name=$1 cache tmp deb
	shift

	deb_root "$name" >/dev/null && return 0
	cache=$(mta_cache_dir)
	mkdir -p "$cache" || return 1
	tmp=$(mktemp -d "$cache/.$name.XXXXXX") || return 1
	# apt may warn that its sandbox user cannot write here; the log is
	# shown only if the download fails.
	if ! (cd "$tmp" && apt-get download -q "$@") >"$tmp/apt.log" 2>&1
	then
		sed 's/^/  apt-get: /' "$tmp/apt.log" >&2
		rm -rf "$tmp"
		mta_log "cannot download: $*"
		return 1
	fi
	mkdir "$tmp/root"
	chmod 0755 "$tmp/root"
	for deb in "$tmp"/*.deb; do
		if ! dpkg-deb -x "$deb" "$tmp/root"; then
			rm -rf "$tmp"
			mta_log "cannot unpack $deb"
			return 1
		fi
		printf '%s %s\n' "$(dpkg-deb -f "$deb" Package)" \
			"$(dpkg-deb -f "$deb" Version)" \
			>>"$tmp/root/.smtpconf-versions"
	done
	touch "$tmp/root/.smtpconf-complete"
	rm -rf "${cache:?}/$name"
	mv "$tmp/root" "$cache/$name"
	rm -rf "$tmp"
}

# make_test_cert DIR NAME [OWNER] - a throwaway TLS identity for a test
# server: DIR/cert.pem (self-signed, CN and DNS SAN NAME, 7 days) and
# DIR/key.pem (P-256, mode 0600, owned by OWNER when given), made by the
# openssl CLI (package openssl).  Fresh for every instance: no key is
# ever committed or kept.
make_test_cert() {
	local dir=$1 name=$2 owner=${3:-}

	command -v openssl >/dev/null ||
		mta_die "openssl is not installed (run ci/install-deps.sh)"
	mkdir -p "$dir"
	(umask 077 && openssl req -x509 -newkey ec \
		-pkeyopt ec_paramgen_curve:P-256 -nodes -days 7 \
		-subj "/O=smtpconf tests/CN=$name" \
		-addext "subjectAltName=DNS:$name" \
		-keyout "$dir/key.pem" -out "$dir/cert.pem") \
		>"$dir/openssl.log" 2>&1 ||
		mta_die "openssl could not make a certificate:" \
			"$(cat "$dir/openssl.log")"
	chmod 0644 "$dir/cert.pem"
	chmod 0755 "$dir"
	[[ -z $owner ]] || chown "$owner" "$dir/key.pem"
}

# mta_main TABLE ARGS... - run cmd_SUB for "SUB ARG..." when SUB is in
# TABLE ("start:2 stop:1 ...": sub-command and its argument count);
# anything else calls the script's usage function.
mta_main() {
	local table=$1 entry sub want
	shift
	(($# >= 1)) || usage
	for entry in $table; do
		sub=${entry%%:*}
		want=${entry#*:}
		[[ $1 == "$sub" ]] || continue
		(($# - 1 == want)) || usage
		shift
		"cmd_$sub" "$@"
		return
	done
	usage
}

# instance_dir DIR - DIR made absolute, refused unless it is a plain
# path: every server writes it into configuration values (Postfix
# splits on spaces and commas and expands "$", Exim lists split on
# colons, OpenSMTPD's smtpd.conf and our own generated scripts), where
# any other character would change its meaning.
instance_dir() {
	local dir=$1

	[[ $dir == /* ]] || dir=$PWD/$dir
	dir=${dir%/}
	[[ $dir =~ ^(/[A-Za-z0-9._+-]+)+$ ]] ||
		mta_die "DIR must be a plain path (letters, digits, ._+-): $1"
	echo "$dir"
}
