#!/usr/bin/env bash
# cli_auth_secret.sh - the AUTH scenarios with test credentials
# (--auth-user, --auth-pass) pass against the mock's test account, skip
# without them, and no report (terminal with -v, JSON, JUnit, HTML)
# shows the password or any base64 form that carries it.
. "$(dirname "$0")/lib.sh"
smtpconf=$1 mock=$2 scenarios=$3
scratch_dir

run() {
	"$smtpconf" run "$scenarios" --only 'rfc4954/auth/*' \
		--target "127.0.0.1:$MOCK_PORT" --step-timeout 2s --no-color \
		-v --json "$SCRATCH/r.json" --junit "$SCRATCH/r.xml" \
		--html "$SCRATCH/r.html" "$@"
}

start_mock "$mock" correct
expect_exit 0 run
expect_output "$SCRATCH/out" "^SKIP +SHOULD +rfc4954/auth/plain-credentials"
expect_output "$SCRATCH/out" "variable auth_user is not set"

expect_exit 0 run --auth-user smtpconf --auth-pass smtpconf-secret
expect_output "$SCRATCH/out" "^PASS +SHOULD +rfc4954/auth/plain-credentials"
expect_output "$SCRATCH/out" "^PASS +SHOULD +rfc4954/auth/login-credentials"
expect_output "$SCRATCH/out" "^PASS +MUST +rfc4954/auth/twice"
expect_output "$SCRATCH/r.json" "AUTH PLAIN <secret>"
expect_output "$SCRATCH/r.json" "--auth-pass <secret>"
# The password, and base64 of "\0smtpconf\0smtpconf-secret", of the
# password alone, and of the wrong-password form.
for f in out r.json r.xml r.html; do
	if grep -Eq 'smtpconf-secret|AHNtdHBjb25mAHNtdHBjb25mLXNlY3JldA|c210cGNvbmYtc2VjcmV0|AHNtdHBjb25mAHNtdHBjb25mLXNlY3JldHg' \
		"$SCRATCH/$f"; then
		die "$f shows the test password"
	fi
done
exit 0
