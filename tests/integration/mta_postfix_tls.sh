#!/usr/bin/env bash
# mta_postfix_tls.sh - the built-in suite inside TLS against a real
# Postfix (ci/mta/postfix.sh, with its fresh self-signed certificate):
# once with --tls starttls on the smtpd port (STARTTLS before every
# scenario) and once with --tls implicit on an smtpd_tls_wrappermode
# listener (RFC 8314).  Postfix behaves the same inside TLS, so the
# plaintext run's waivers apply; the STARTTLS scenarios themselves are
# skipped inside TLS (no STARTTLS in the EHLO reply), and the probe must
# report the negotiated protocol.  Exit 77 (skip) as mta_postfix.sh.
. "$(dirname "$0")/lib_mta.sh" "$@"

[ "$(id -u)" = 0 ] || mta_skip "Postfix needs root to start"
command -v postfix >/dev/null || [ -x /usr/sbin/postfix ] ||
	mta_skip "postfix is not installed (ci/install-deps.sh installs it)"
command -v openssl >/dev/null ||
	mta_skip "openssl is not installed (ci/install-deps.sh installs it)"

. "$top/ci/mta/common.sh"
SMTPCONF_SMTPS_PORT=$(free_port)
export SMTPCONF_SMTPS_PORT
mta_start postfix Postfix
plain_port=$MTA_PORT
# The plaintext run's waivers, less those of the STARTTLS scenarios,
# which inside TLS are skipped and would match no failure.
MTA_WAIVERS=$SCRATCH/postfix-tls-waivers.txt
grep -v '^rfc3207/' "$top/ci/waivers/postfix.txt" >"$MTA_WAIVERS"

mta_run_suite "220 .*Postfix" "PIPELINING" --tls starttls
expect_output "$SCRATCH/out" "TLS \(starttls\): TLSv1\.[23] "
expect_output "$SCRATCH/out" "^SKIP +MUST +rfc3207/basic"
expect_output "$SCRATCH/postfix.json" '"subject": "CN=postfix.smtpconf.test'

MTA_PORT=$SMTPCONF_SMTPS_PORT
mta_run_suite "220 .*Postfix" "PIPELINING" --tls implicit
expect_output "$SCRATCH/out" "TLS \(implicit\): TLSv1\.[23] "
MTA_PORT=$plain_port
exit 0
