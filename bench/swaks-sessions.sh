#!/usr/bin/env bash
# bench/swaks-sessions.sh HOST:PORT COUNT transaction|session - run COUNT
# swaks sessions one after the other, each its own process and connection,
# with the dialogue of bench/dialogue/: "transaction" sends
# bench/dialogue/message.eml (EHLO, MAIL, RCPT, DATA, QUIT), "session"
# stops after EHLO (EHLO, QUIT).  Stops at the first failing session so
# that hyperfine never times a run that did less work.
set -eu
here=$(cd "$(dirname "$0")" && pwd)

if [ $# -ne 3 ]; then
	echo "usage: $0 HOST:PORT COUNT transaction|session" >&2
	exit 2
fi
server=$1
count=$2
case $3 in
transaction) what=(--data "@$here/dialogue/message.eml") ;;
session) what=(--quit-after EHLO) ;;
*)
	echo "$0: unknown dialogue '$3'" >&2
	exit 2
	;;
esac

for ((i = 0; i < count; i++)); do
	swaks --server "$server" --ehlo bench.example.org \
		--from bench@example.org --to postmaster@example.org \
		"${what[@]}" --silent 2 >/dev/null
done
