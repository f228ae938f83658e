#!/usr/bin/env bash
# campaign.sh - one bounded libFuzzer campaign, as CI runs it (CTest
# label fuzz-campaign): TARGET for SECONDS with a fixed seed, from a
# fresh scratch corpus plus the seeds of CORPUS, with the dictionary
# and max_len of the target's .options file.  A crash, leak, timeout or
# sanitizer report fails the test; the reproducer is left in ARTIFACTS.
#
# usage: campaign.sh TARGET CORPUS OPTIONS-FILE SECONDS ARTIFACTS
set -euo pipefail
target=$1 corpus=$2 options=$3 seconds=$4 artifacts=$5
here=$(cd "$(dirname "$0")" && pwd)

max_len=$(sed -n 's/^max_len *= *//p' "$options")
scratch=$(mktemp -d "${TMPDIR:-/tmp}/smtpconf-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$artifacts"
export SMTPCONF_FUZZ_DICT=$here/smtp.dict
# -seed fixes libFuzzer's choices; -timeout catches a hang of one input.
exec "$target" -seed=1 -max_total_time="$seconds" -timeout=10 \
	-rss_limit_mb=1024 -dict="$here/smtp.dict" -max_len="${max_len:-4096}" \
	-print_final_stats=1 -artifact_prefix="$artifacts/" \
	"$scratch" "$corpus"
