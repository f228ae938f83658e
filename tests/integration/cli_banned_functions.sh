#!/usr/bin/env bash
# cli_banned_functions.sh - the C sources use none of the functions the
# project bans (the list curl also keeps): each is unbounded or hides
# errors, and a bounded alternative replaces it (snprintf, memcpy with a
# length, strtol).
. "$(dirname "$0")/lib.sh"
scenarios=$3
top=$(cd "$scenarios/.." && pwd)

banned='\b(strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|atoll|sscanf|gets)[[:space:]]*\('
hits=$(grep -rnE "$banned" "$top/harness" "$top/fuzz" "$top/tests" \
	--include='*.c' --include='*.h' | grep -vE '\b(snprintf|vsnprintf)\(')
[ -z "$hits" ] || die "banned functions used:
$hits"
exit 0
