#!/usr/bin/env bash
# cli_import.sh - `smtpconf import`: the round trip (run the suite with
# --pcap against the mock, import the capture, replay the imported
# scenarios against the mock: they pass), the firing case (replayed
# against a mock whose replies changed, they fail), pcapng input, the
# fuzz corpus seeds, and clear errors on bad captures.
. "$(dirname "$0")/lib.sh"
smtpconf=$1 mock=$2 scenarios=$3
scratch_dir

start_mock "$mock" correct
expect_exit 0 "$smtpconf" run --target "127.0.0.1:$MOCK_PORT" -q \
	--json "$SCRATCH/r.json" --pcap "$SCRATCH/suite.pcap"
sessions=$(grep -c '"connected to' "$SCRATCH/r.json")

# Every session of the run (and the probe) becomes a scenario.
expect_exit 0 "$smtpconf" import "$SCRATCH/suite.pcap" -o "$SCRATCH/imp" \
	--corpus "$SCRATCH/seeds"
n=$(ls "$SCRATCH/imp"/suite-*.smtp | wc -l)
[ "$n" = $((sessions + 1)) ] ||
	die "$n scenarios imported from $((sessions + 1)) sessions"
expect_output "$SCRATCH/out" "suite-001.smtp: connection 1 "
expect_exit 0 "$smtpconf" lint "$SCRATCH/imp"
expect_output "$SCRATCH/imp/suite-001.smtp" '^# Imported by `smtpconf import` from .*suite.pcap'
expect_output "$SCRATCH/imp/suite-001.smtp" '^S: 220$'
# The seeds are client command lines, one a file, message text left out.
grep -lqx 'EHLO smtpconf.example.org.' "$SCRATCH/seeds"/* ||
	die "no EHLO seed in the corpus"
if grep -lq '^Subject:' "$SCRATCH/seeds"/*; then
	die "message content was written as a command seed"
fi

# Round trip: the imported scenarios pass against the same server.
expect_exit 0 "$smtpconf" run "$SCRATCH/imp" \
	--target "127.0.0.1:$MOCK_PORT" -q --json "$SCRATCH/rt.json"
expect_output "$SCRATCH/out" "^$n passed, 0 failed"
kill "$MOCK_PID"; wait "$MOCK_PID" 2>/dev/null; MOCK_PID=""

# Firing: unknown verbs now get 502 instead of 500; the imported
# sessions that sent one fail, at the recorded 500.
start_mock "$mock" unknown-502
expect_exit 1 "$smtpconf" run "$SCRATCH/imp" \
	--target "127.0.0.1:$MOCK_PORT" -q --json "$SCRATCH/fire.json"
expect_output "$SCRATCH/out" '^FAIL +MUST +suite-[0-9]+'
expect_output "$SCRATCH/fire.json" '"expected": "500'
kill "$MOCK_PID"; wait "$MOCK_PID" 2>/dev/null; MOCK_PID=""

# pcapng (as Wireshark saves by default) imports the same way.
if command -v tshark >/dev/null; then
	tshark -r "$SCRATCH/suite.pcap" -F pcapng -w "$SCRATCH/suite.pcapng" \
		2>/dev/null || die "tshark could not write pcapng"
	expect_exit 0 "$smtpconf" import "$SCRATCH/suite.pcapng" \
		-o "$SCRATCH/ng"
	diff -r -I '^# Imported by' "$SCRATCH/imp" "$SCRATCH/ng" >&2 ||
		die "pcapng import differs from pcap import"
fi

# Bad captures: file: message, exit 2.
printf 'this is not a capture\n' >"$SCRATCH/text.pcap"
expect_exit 2 "$smtpconf" import "$SCRATCH/text.pcap" -o "$SCRATCH/x"
expect_output "$SCRATCH/err" "^$SCRATCH/text.pcap: not a capture"
head -c 3000 "$SCRATCH/suite.pcap" >"$SCRATCH/cut.pcap"
expect_exit 2 "$smtpconf" import "$SCRATCH/cut.pcap" -o "$SCRATCH/x"
expect_output "$SCRATCH/err" "^$SCRATCH/cut.pcap: .*truncated"
expect_exit 2 "$smtpconf" import "$SCRATCH/missing.pcap"
expect_output "$SCRATCH/err" "^$SCRATCH/missing.pcap: "
# A capture with no SMTP in it: the suite's capture with every server
# byte (the greetings included) gone is just a client talking.
head -c 24 "$SCRATCH/suite.pcap" >"$SCRATCH/empty.pcap"
expect_exit 2 "$smtpconf" import "$SCRATCH/empty.pcap" -o "$SCRATCH/x"
expect_output "$SCRATCH/err" "^$SCRATCH/empty.pcap: no SMTP session found"
expect_exit 2 "$smtpconf" import "$SCRATCH/suite.pcap" --port 99999
expect_exit 2 "$smtpconf" import
exit 0
