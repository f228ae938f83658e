#!/usr/bin/env bash
# cli_tls.sh - TLS end to end against the mock: --tls starttls and
# --tls implicit run whole scenarios inside TLS and report what was
# negotiated; a server that cannot enter TLS is unreachable (exit 3),
# not a pass; --tls-verify fails a self-signed certificate at security
# level; bad certificate files are usage errors (exit 2).
. "$(dirname "$0")/lib.sh"
smtpconf=$1 mock=$2 scenarios=$3
scratch_dir

# run_against MODES ARGS... - a fresh mock in MODES, then smtpconf run
run_against() {
	local modes=$1 want=$2
	shift 2
	start_mock "$mock" "$modes"
	expect_exit "$want" "$smtpconf" run "$scenarios" \
		--target "127.0.0.1:$MOCK_PORT" --step-timeout 2s --no-color \
		--json "$SCRATCH/r.json" "$@"
	kill "$MOCK_PID"
	wait "$MOCK_PID" 2>/dev/null
	MOCK_PID=""
	MOCK_LAST_PORT=$MOCK_PORT
}

# The whole session inside TLS after STARTTLS: the scenario's greeting
# is the one read before STARTTLS, its EHLO the first command in TLS.
run_against starttls 0 --only 'rfc5321/quit/*' --only 'rfc5321/ehlo/basic' \
	--only rfc3207/basic --tls starttls --tls-keylog "$SCRATCH/keys"
expect_output "$SCRATCH/out" "^PASS +MUST +rfc5321/quit/basic"
expect_output "$SCRATCH/out" "^PASS +MUST +rfc5321/ehlo/basic"
# Inside TLS the EHLO reply has no STARTTLS: nothing to test there.
expect_output "$SCRATCH/out" "^SKIP +MUST +rfc3207/basic"
expect_output "$SCRATCH/out" "TLS \(starttls\): TLSv1\.[23] "
expect_output "$SCRATCH/r.json" '"mode": "starttls"'
expect_output "$SCRATCH/r.json" '"subject": "CN=mock.example.org'
expect_output "$SCRATCH/r.json" '"text": "STARTTLS\\\\r\\\\n"'
expect_output "$SCRATCH/keys" "^CLIENT_HANDSHAKE_TRAFFIC_SECRET [0-9a-f]+ "

# The capture holds the encrypted bytes, and the key log decrypts them.
if command -v tshark >/dev/null; then
	run_against starttls 0 --only rfc3207/basic --pcap "$SCRATCH/c.pcap" \
		--tls-keylog "$SCRATCH/c.keys"
	tshark -r "$SCRATCH/c.pcap" -d "tcp.port==$MOCK_LAST_PORT,smtp" \
		-o "tls.keylog_file:$SCRATCH/c.keys" \
		-Y 'tls && smtp.req.command == "QUIT"' >"$SCRATCH/t" 2>&1 ||
		die "tshark cannot read the capture: $(cat "$SCRATCH/t")"
	[ -s "$SCRATCH/t" ] ||
		die "tshark did not decrypt the QUIT sent inside TLS"
fi

# Implicit TLS (RFC 8314): the greeting itself comes through TLS.
run_against implicit-tls 0 --only 'rfc5321/quit/basic' --tls implicit
expect_output "$SCRATCH/out" "^PASS +MUST +rfc5321/quit/basic"
expect_output "$SCRATCH/out" "TLS \(implicit\): TLSv1\.[23] "
expect_output "$SCRATCH/r.json" '"protocol": "TLSv1\.[23]"'

# No TLS where the run asks for it: unreachable, every scenario an error.
run_against correct 3 --only 'rfc5321/quit/basic' --tls starttls
expect_output "$SCRATCH/err" "does not advertise STARTTLS"
run_against correct 3 --only 'rfc5321/quit/basic' --tls implicit
expect_output "$SCRATCH/err" "--tls implicit: .*TLS handshake"

# Plaintext run: the probe records the STARTTLS it tried; with
# --tls-verify a self-signed certificate fails the handshake.
run_against starttls 1 --only rfc3207/basic --tls-verify \
	--fail-on must,security
expect_output "$SCRATCH/out" "^FAIL +security +rfc3207/basic"
expect_output "$SCRATCH/out" "certificate verify failed: self-signed"

# Certificate files are checked before anything connects.
expect_exit 2 "$smtpconf" run "$scenarios" --target 127.0.0.1:9 \
	--tls-ca "$SCRATCH/none.pem"
expect_output "$SCRATCH/err" \
	"--tls-ca: CA file '.*none.pem': cannot open: No such file"
echo "not a certificate" >"$SCRATCH/bad.pem"
expect_exit 2 "$smtpconf" run "$scenarios" --target 127.0.0.1:9 \
	--tls-cert "$SCRATCH/bad.pem"
expect_output "$SCRATCH/err" "--tls-cert: client certificate '.*bad.pem': not a PEM file"
expect_exit 2 "$smtpconf" run "$scenarios" --target 127.0.0.1:9 \
	--tls-key "$SCRATCH/bad.pem"
expect_output "$SCRATCH/err" "--tls-key: .*needs a client certificate"
expect_exit 2 "$smtpconf" run "$scenarios" --target 127.0.0.1:9 \
	--tls sometimes
expect_output "$SCRATCH/err" "bad value 'sometimes' for --tls"
exit 0
