#!/usr/bin/env bash
# cli_pcap.sh - `smtpconf run --pcap`: tshark opens the capture without
# a warning, shows the dialogue as SMTP, and every session's reassembled
# TCP stream equals its transcript byte for byte in both directions
# (IPv4 and IPv6, one file or one per scenario, STARTTLS sessions
# decrypted with the key log, and after Ctrl-C).
#
# Needs tshark (ci/install-deps.sh installs it) and python3: exit 77
# when tshark is missing, unless SMTPCONF_REQUIRE_MTA=1 (CI), which
# makes a missing tshark a failure.
. "$(dirname "$0")/lib.sh"
smtpconf=$1 mock=$2 scenarios=$3
here=$(cd "$(dirname "$0")" && pwd)
compare=$here/pcap_streams.py

if ! command -v tshark >/dev/null; then
	[ -n "${SMTPCONF_REQUIRE_MTA:-}" ] &&
		die "tshark is missing (run ci/install-deps.sh)"
	echo "SKIP: tshark is not installed"
	exit 77
fi
scratch_dir

# no_temp_files DIR - no capture left half-written
no_temp_files() {
	if ls "$1" | grep -q '\.tmp'; then
		ls -l "$1" >&2
		die "temporary capture files left in $1"
	fi
}

# The built-in suite against the correct mock, one capture file.
start_mock "$mock" correct
expect_exit 0 "$smtpconf" run --target "127.0.0.1:$MOCK_PORT" -q \
	--json "$SCRATCH/r.json" --pcap "$SCRATCH/all.pcap"
"$compare" "$SCRATCH/r.json" "$SCRATCH/all.pcap" 1 >"$SCRATCH/cmp" ||
	{ cat "$SCRATCH/cmp" >&2; die "capture differs from transcripts"; }
cat "$SCRATCH/cmp"
# Wireshark's SMTP dissector sees the commands on the mock's port.
tshark -r "$SCRATCH/all.pcap" -d "tcp.port==$MOCK_PORT,smtp" \
	-Y 'smtp.req.command == "EHLO"' -T fields -e smtp.req.command \
	2>/dev/null | grep -q EHLO || die "no SMTP EHLO seen by tshark"
# Segments are at most one MSS (1460 bytes over IPv4).
max=$(tshark -r "$SCRATCH/all.pcap" -T fields -e tcp.len 2>/dev/null |
	sort -n | tail -1)
[ "$max" -le 1460 ] || die "a segment of $max bytes, over the MSS"

# The comparison fires: one byte changed in a transcript is found.
sed 's/"text": "EHLO /"text": "EHLX /' "$SCRATCH/r.json" >"$SCRATCH/bad.json"
cmp -s "$SCRATCH/r.json" "$SCRATCH/bad.json" && die "sed changed nothing"
"$compare" "$SCRATCH/bad.json" "$SCRATCH/all.pcap" 1 >"$SCRATCH/cmp" &&
	die "a changed transcript still matched the capture"
expect_output "$SCRATCH/cmp" 'client bytes differ'

# One file per scenario in a directory; three of them are compared (one
# tshark run each is slow on a shared CI machine).
mkdir "$SCRATCH/per"
expect_exit 0 "$smtpconf" run --target "127.0.0.1:$MOCK_PORT" -q \
	--only 'rfc5321/data/*' --only 'rfc5321/rset/*' \
	--json "$SCRATCH/d.json" --pcap "$SCRATCH/per"
n=0
for id in $(python3 -c 'import json,sys
ids = [r["id"] for r in json.load(open(sys.argv[1]))["results"]
       if r["verdict"] == "pass"]
print("\n".join(ids[:3]))' "$SCRATCH/d.json"); do
	f=$SCRATCH/per/${id//\//.}.pcap
	[ -s "$f" ] || die "no capture $f for $id"
	"$compare" "$SCRATCH/d.json" "$f" 0 "$id" >"$SCRATCH/cmp" ||
		{ cat "$SCRATCH/cmp" >&2; die "capture of $id differs"; }
	n=$((n + 1))
done
[ "$n" = 3 ] || die "only $n per-scenario captures checked"
[ "$(ls "$SCRATCH/per" | wc -l)" -ge 10 ] || die "too few captures"
no_temp_files "$SCRATCH/per"

# STARTTLS (RFC 3207): the capture holds the TLS records actually sent,
# and tshark with the key log decrypts them into the transcript's
# plaintext, byte for byte; with an empty key log it cannot.
kill "$MOCK_PID"; wait "$MOCK_PID" 2>/dev/null; MOCK_PID=""
start_mock "$mock" starttls
expect_exit 0 "$smtpconf" run "$scenarios/rfc3207" \
	--target "127.0.0.1:$MOCK_PORT" -q --json "$SCRATCH/t.json" \
	--pcap "$SCRATCH/tls.pcap" --tls-keylog "$SCRATCH/keys.log"
[ -s "$SCRATCH/keys.log" ] || die "no TLS key log written"
"$compare" "$SCRATCH/t.json" "$SCRATCH/tls.pcap" 1 >"$SCRATCH/cmp" ||
	{ cat "$SCRATCH/cmp" >&2; die "TLS capture differs (encrypted)"; }
expect_output "$SCRATCH/cmp" ' \([1-9][0-9]* in TLS'
"$compare" --keylog "$SCRATCH/keys.log" "$SCRATCH/t.json" \
	"$SCRATCH/tls.pcap" 1 >"$SCRATCH/cmp" ||
	{ cat "$SCRATCH/cmp" >&2; die "decrypted TLS capture differs"; }
cat "$SCRATCH/cmp"
# A session whose client port tshark knows for another protocol
# (44818, EtherNet/IP) is still decrypted: once in CI an ephemeral port
# like it left one STARTTLS session undissected as TLS.
"$here/pcap_client_port.py" "$SCRATCH/tls.pcap" "$SCRATCH/tls44818.pcap" \
	3 44818 || die "could not rewrite a client port"
"$compare" --keylog "$SCRATCH/keys.log" "$SCRATCH/t.json" \
	"$SCRATCH/tls44818.pcap" 1 >"$SCRATCH/cmp" ||
	{ cat "$SCRATCH/cmp" >&2; die "a known client port hid TLS"; }
: >"$SCRATCH/nokeys.log"
"$compare" --keylog "$SCRATCH/nokeys.log" "$SCRATCH/t.json" \
	"$SCRATCH/tls.pcap" 1 >"$SCRATCH/cmp" &&
	die "TLS sessions decrypted without their keys"
expect_output "$SCRATCH/cmp" '\(decrypted\) .* bytes differ'
kill "$MOCK_PID"; wait "$MOCK_PID" 2>/dev/null; MOCK_PID=""

# IPv6: the target is [::1], so the frames are IPv6.
"$mock" --listen ::1 --port 0 --port-file "$SCRATCH/port6" \
	>"$SCRATCH/mock6.log" 2>&1 &
MOCK_PID=$!
for _ in $(seq 1 100); do
	[ -s "$SCRATCH/port6" ] || ! kill -0 "$MOCK_PID" 2>/dev/null && break
	sleep 0.05
done
if [ -s "$SCRATCH/port6" ]; then
	port6=$(cat "$SCRATCH/port6")
	expect_exit 0 "$smtpconf" run --target "[::1]:$port6" -q \
		--only 'rfc5321/data/*' --json "$SCRATCH/r6.json" \
		--pcap "$SCRATCH/v6.pcap"
	tshark -r "$SCRATCH/v6.pcap" -T fields -e ipv6.src 2>/dev/null |
		grep -q '^::1$' || die "the IPv6 capture has no IPv6 frames"
	"$compare" "$SCRATCH/r6.json" "$SCRATCH/v6.pcap" 1 >"$SCRATCH/cmp" ||
		{ cat "$SCRATCH/cmp" >&2; die "IPv6 capture differs"; }
else
	echo "note: no IPv6 loopback here; IPv6 capture not tested"
fi
kill "$MOCK_PID" 2>/dev/null; wait "$MOCK_PID" 2>/dev/null; MOCK_PID=""

# Ctrl-C in the middle of a run: both kinds of capture stay valid and
# hold exactly what ran (the suite and timing of cli_interrupt.sh).
mkdir -p "$SCRATCH/suite" "$SCRATCH/int"
for i in 0 1 2 3 4 5 6 7 8 9; do
	printf 'title: t%s\nrfc: 5321 4.1.1.9\nlevel: MUST\n\nS: 220\nC: NOOP\nS: 250\nC: QUIT\nS: 221 closed\n' \
		"$i" >"$SCRATCH/suite/s$i.smtp"
done
start_mock "$mock" delay=400
for mode in file dir; do
	out=$SCRATCH/int.pcap
	[ $mode = dir ] && out=$SCRATCH/int/
	"$smtpconf" run "$SCRATCH/suite" --target "127.0.0.1:$MOCK_PORT" \
		--no-color --json "$SCRATCH/i-$mode.json" --pcap "$out" \
		>"$SCRATCH/out" 2>"$SCRATCH/err" &
	interrupt_after_first_result $! "$SCRATCH/out"
	[ "$RUN_RC" = 130 ] ||
		die "exit status $RUN_RC after SIGINT, expected 130"
	no_temp_files "$SCRATCH"
	no_temp_files "$SCRATCH/int"
done
"$compare" "$SCRATCH/i-file.json" "$SCRATCH/int.pcap" 1 >"$SCRATCH/cmp" ||
	{ cat "$SCRATCH/cmp" >&2; die "interrupted capture differs"; }
ls "$SCRATCH/int"/*.pcap >/dev/null || die "no capture after Ctrl-C"
# The last one is the scenario Ctrl-C interrupted.
for f in $(ls "$SCRATCH/int"/*.pcap | tail -1); do
	id=$(basename "$f" .pcap)
	"$compare" "$SCRATCH/i-dir.json" "$f" 0 "$id" >"$SCRATCH/cmp" ||
		{ cat "$SCRATCH/cmp" >&2; die "capture $f differs"; }
done
exit 0
