#!/usr/bin/env bash
# mta_aiosmtpd_auth.sh - AUTH (RFC 4954) against a real server that
# offers it: aiosmtpd with one test account (ci/mta/aiosmtpd.sh with
# SMTPCONF_AUTH_USER/SMTPCONF_AUTH_PASS; PLAIN, LOGIN and CRAM-MD5,
# listed only inside TLS).  The rfc4954 scenarios run three times:
# inside TLS with the right password (the logins pass), inside TLS with
# a wrong one (the logins fail with 535, so the run fails), and in
# plaintext, where AUTH is not listed and is refused.  Waivers:
# ci/waivers/aiosmtpd-auth.txt.  Root is not needed.  Exit 77 (skip)
# when aiosmtpd is not installed, unless SMTPCONF_REQUIRE_MTA=1 (CI).
. "$(dirname "$0")/lib_mta.sh" "$@"

/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null ||
	mta_skip "python3-aiosmtpd is not installed" \
		"(ci/install-deps.sh installs it)"

user=smtpconf-test pass=aiosmtpd-test-secret
SMTPCONF_AUTH_USER=$user SMTPCONF_AUTH_PASS=$pass mta_start aiosmtpd aiosmtpd
MTA_WAIVERS=$top/ci/waivers/aiosmtpd-auth.txt
out=$SCRATCH/out

# 1. Inside TLS with the account: every login scenario runs and passes.
mta_run_suite "220 .*Python SMTP" "AUTH=CRAM-MD5 LOGIN PLAIN" \
	--only 'rfc4954/*' --only rfc5321/quit/basic --tls starttls \
	--auth-user "$user" --auth-pass "$pass"
for id in plain-credentials login-credentials wrong-password twice \
	mechanism-plain mechanism-login mechanism-cram-md5 unadvertised-mechanism \
	before-ehlo; do
	expect_output "$out" "^PASS +[A-Z]+ +rfc4954/auth/$id:"
done
expect_output "$out" "^WAIVED +MUST +rfc4954/auth/in-transaction:"
# The password never reaches a report.
if grep -q -- "$pass" "$out" "$SCRATCH/aiosmtpd.json"; then
	die "the password appears in the output or the JSON report"
fi

# 2. A wrong password: the logins must fail with 535, and the run too.
"$smtpconf" run "$scenarios" --target "127.0.0.1:$MTA_PORT" --no-color \
	--only 'rfc4954/*' --tls starttls --auth-user "$user" \
	--auth-pass "not-$pass" --waivers "$MTA_WAIVERS" >"$out" 2>&1
rc=$?
cat "$out"
[ "$rc" = 1 ] || die "a wrong password gave exit $rc, not 1"
for id in plain-credentials login-credentials; do
	expect_output "$out" "^FAIL +SHOULD +rfc4954/auth/$id:"
done
expect_output "$out" "replied 535 "
expect_output "$out" "^FAIL +MUST +rfc4954/auth/twice:"   # its login fails first

# 3. Plaintext: AUTH is not listed before STARTTLS, and is refused.
: >"$SCRATCH/none.txt"
MTA_WAIVERS=$SCRATCH/none.txt
mta_run_suite "220 .*Python SMTP" "STARTTLS" --only 'rfc4954/*' \
	--only rfc5321/quit/basic --auth-user "$user" --auth-pass "$pass"
expect_output "$out" "^  EHLO: .*STARTTLS"
if grep -q "^  EHLO: .*AUTH" "$out"; then
	die "aiosmtpd listed AUTH before STARTTLS"
fi
expect_output "$out" "^PASS +SHOULD +rfc4954/auth/unadvertised:"
exit 0
