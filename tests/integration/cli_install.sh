#!/usr/bin/env bash
# cli_install.sh - `cmake --install` puts the binary, the built-in suite
# and the man page in place, and the installed suite is complete: it
# lints clean and lists as many scenarios as the source tree has.
. "$(dirname "$0")/lib.sh"
smtpconf=$1 mock=$2 scenarios=$3
build=$(dirname "$smtpconf")
scratch_dir

cmake --install "$build" --prefix "$SCRATCH/inst" >"$SCRATCH/log" 2>&1 ||
	die "cmake --install failed: $(cat "$SCRATCH/log")"
inst=$SCRATCH/inst
[ -x "$inst/bin/smtpconf" ] || die "no installed binary"
[ -s "$inst/share/man/man1/smtpconf.1" ] || die "no installed man page"
[ -f "$inst/share/smtpconf/scenarios/.smtpconf-suite" ] ||
	die "the suite root marker is not installed"
want=$(find "$scenarios" -name '*.smtp' | wc -l)
got=$(find "$inst/share/smtpconf/scenarios" -name '*.smtp' | wc -l)
[ "$want" = "$got" ] || die "installed $got scenarios, the source has $want"

cd "$SCRATCH" || die "cd"
export SMTPCONF_SCENARIOS=$inst/share/smtpconf/scenarios
expect_exit 0 "$inst/bin/smtpconf" lint
expect_exit 0 "$inst/bin/smtpconf" list
expect_output "$SCRATCH/out" "^$want scenarios$"
exit 0
