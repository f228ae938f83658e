#!/usr/bin/env bash
# ci/build.sh BUILD-DIR [CMAKE-OPTIONS...] - configure and build smtpconf.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$1
shift
cmake -S "$top" -B "$dir" "$@" >"$dir.configure.log" 2>&1 || {
	cat "$dir.configure.log" >&2
	exit 1
}
cmake --build "$dir" -j "$(nproc)"
