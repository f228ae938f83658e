#!/usr/bin/env bash
# bench/wait-idle.sh QUEUE-DIRECTORY - wait (at most 30 s) until the Postfix
# queue under test holds no message in maildrop, incoming or active, so
# that every timed run starts with a server that has finished delivering
# (to discard:) the mail of the run before.  hyperfine runs it, untimed,
# before each run (--prepare).
set -eu
queue=$1

for ((i = 0; i < 600; i++)); do
	if [ -z "$(find "$queue/maildrop" "$queue/incoming" "$queue/active" \
		-type f -print -quit 2>/dev/null)" ]; then
		exit 0
	fi
	sleep 0.05
done
echo "$0: the Postfix queue in $queue did not drain in 30 s" >&2
exit 1
