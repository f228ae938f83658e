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
child_pids() {
	local stat rest ppid

	for stat in /proc/[0-9]*/stat; do
		rest=$(cat "$stat" 2>/dev/null) || continue
		# Field 4 is the parent PID; the command name in field 2 may
		# hold spaces, so cut after its closing parenthesis.
		rest=${rest##*) }
		read -r _ ppid _ <<<"$rest"
		if [[ $ppid == "$1" ]]; then
			stat=${stat#/proc/}
			echo "${stat%/stat}"
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
