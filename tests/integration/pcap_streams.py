#!/usr/bin/env python3
"""pcap_streams.py - compare a --pcap capture with the JSON transcripts.

usage: pcap_streams.py [--keylog FILE] RESULTS.json CAPTURE.pcap SKIP [ID]

Every TCP stream of the capture, reassembled by tshark
(`-z follow,tcp,raw,N`), must equal, byte for byte and in both
directions, what the transcript of its session says was sent and
received.  Streams are matched to sessions in connect order; the first
SKIP streams (the probe session, which has no transcript) are left out.
With ID, only that scenario's sessions are expected (a file of --pcap DIR).
A session whose transcript was clipped (an entry over the report's
limits) cannot be compared and is counted as such, never as a pass.
A session that went into TLS (the transcript's "TLS handshake" event)
is compared in two parts: the plaintext before it byte for byte, and
then, on the wire, TLS records (a handshake record first, 0x16 0x03)
where the transcript has plaintext.  With --keylog, tshark decrypts
them (`-z follow,tls,raw,N`) and the decrypted bytes must equal the
transcript's, byte for byte, in both directions.
In a session whose scenario failed, the transcript may be a prefix of
what the server sent: the run stops reading at the failing step.
tshark must also have no expert warning or error about the file.
Prints a summary; exits 1 on any difference.
"""
import json
import re
import subprocess
import sys

ESCAPES = {"r": b"\r", "n": b"\n", "t": b"\t", "0": b"\0", "\\": b"\\"}
# A scenario that failed stops reading at the failing step: the server
# may have sent more, which the capture has and the transcript has not.
FAILED = ("fail", "waived", "error", "notrun")
CLIPPED = re.compile(r"\.\.\.\[\d+ more bytes\]$")


def undisplay(text):
    """The raw bytes of a transcript entry in display form (json-format.md)."""
    out = bytearray()
    i = 0
    while i < len(text):
        ch = text[i]
        if ch != "\\":
            out += ch.encode("utf-8")
            i += 1
            continue
        nxt = text[i + 1]
        if nxt == "x":
            out.append(int(text[i + 2:i + 4], 16))
            i += 4
        else:
            out += ESCAPES[nxt]
            i += 2
    return bytes(out)


class Conn:
    """What the transcript says one connection carried."""

    def __init__(self, label, comparable, failed, server_port):
        self.label = label
        self.comparable = comparable
        self.failed = failed
        self.server_port = server_port
        self.plain = [b"", b""]     # client, server: before TLS
        self.tls = None             # [client, server] inside TLS


def sessions_of(results):
    """One Conn per connect, in connect order."""
    conns = []
    for res in results:
        current = {}
        for e in res["transcript"]:
            text = e["text"]
            if e["kind"] == "event" and text.startswith("connected to"):
                current[e["session"]] = len(conns)
                conns.append(Conn("%s[%s]" % (res["id"], e["session"]),
                                  res["tx_dropped"] == 0,
                                  res["verdict"] in FAILED,
                                  text.rsplit(":", 1)[1]))
                continue
            idx = current.get(e["session"])
            if idx is None:
                continue
            conn = conns[idx]
            if e["kind"] == "event" and text == "TLS handshake":
                conn.tls = [b"", b""]
            if e["kind"] not in ("send", "reply"):
                continue
            data = undisplay(text)
            if CLIPPED.search(text) or len(data) != e["bytes"]:
                conn.comparable = False
            side = 0 if e["kind"] == "send" else 1
            (conn.tls if conn.tls is not None else conn.plain)[side] += data
    return conns


def decode_as_smtp(server_ports):
    """tshark options that dissect the server ports as SMTP.  Without
    them tshark picks a dissector by port and heuristics: a session
    whose ephemeral client port tshark knows for another protocol is
    not seen as TLS after STARTTLS, and its decrypted stream is empty
    (seen once on a busy CI machine).  SMTP's own STARTTLS tracking
    hands the rest of the stream to TLS the same way every time."""
    args = []
    for port in sorted(set(server_ports)):
        args += ["-d", "tcp.port==%s,smtp" % port]
    return args


def tshark(capture, count, keylog, server_ports):
    """{(proto, stream): (node0 port, [node0 bytes, node1 bytes])} for
    TCP (and, with a key log, decrypted TLS) streams 0..count, and
    tshark's expert summary, from one tshark run; a stream tshark does
    not have is left out."""
    args = ["tshark", "-r", capture, "-q", "-z", "expert"]
    args += decode_as_smtp(server_ports)
    protos = ["tcp"]
    if keylog:
        args += ["-o", "tls.keylog_file:" + keylog]
        protos.append("tls")
    for proto in protos:
        for n in range(count + 1):
            args += ["-z", "follow,%s,raw,%d" % (proto, n)]
    out = subprocess.run(args, check=True, capture_output=True,
                         text=True).stdout
    streams = {}
    key = None
    expert = []
    in_expert = False
    proto = None
    for line in out.splitlines():
        m = re.match(r"Follow: (\w+),raw", line)
        if m:
            proto = m.group(1)
            continue
        m = re.match(r"Filter: tcp\.stream eq (\d+)", line)
        if m:
            key = (proto, int(m.group(1)))
            streams[key] = [None, [b"", b""]]
            continue
        m = re.match(r"Node 0: (.*):(\d*)$", line)
        if m and key is not None:
            if m.group(1) == "" and proto == "tcp":
                del streams[key]
                key = None
            else:
                streams[key][0] = m.group(2)
            continue
        if line.startswith("====") or line.startswith("Node 1:"):
            continue
        if re.match(r"(Errors|Warns|Notes|Chats) \(", line):
            key = None
            in_expert = True
        if in_expert and not line.startswith("Follow:"):
            expert.append(line)
        if key is None or not re.fullmatch(r"\t?[0-9a-f]+", line):
            continue
        side = 1 if line.startswith("\t") else 0
        streams[key][1][side] += bytes.fromhex(line.strip())
    return streams, expert


def oriented(stream, server_port):
    """[client bytes, server bytes] of a follow result (node 0 is
    whoever tshark saw first: for TLS that can be the server)."""
    if stream is None:
        return [b"", b""]
    node0, data = stream
    return data[::-1] if node0 == server_port else data


def first_difference(a, b):
    """Offset of the first byte where a and b differ."""
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


# What the suite sends on purpose (bad base64 after AUTH, malformed
# commands and headers) is what tshark's SMTP and IMF dissectors warn
# about; those warnings judge the dialogue, not the capture file.
CONTENT_PROTOCOLS = ("SMTP", "IMF")


def serious(expert):
    """Expert warnings and errors about the capture (frames, IP, TCP,
    TLS), but a reset the server really sent (the capture shows it as
    the RST it was)."""
    found = []
    section = None
    for line in expert:
        m = re.match(r"(Errors|Warns|Notes|Chats) \(", line)
        if m:
            section = m.group(1)
            continue
        fields = line.split()
        if section in ("Errors", "Warns") and re.match(r"\s+\d+ ", line) \
                and fields[2] not in CONTENT_PROTOCOLS \
                and not line.endswith("Connection reset (RST)"):
            found.append(line)
    return found


def compare(label, got, want, failed):
    """Differences (printed) between capture and transcript bytes; the
    server may have sent more in a failed scenario.  Returns (number of
    differences, 1 when the server sent more)."""
    diff = more = 0
    if failed and got[1] != want[1] and got[1].startswith(want[1]):
        more = 1
        got = [got[0], want[1]]
    for side, name in ((0, "client"), (1, "server")):
        if got[side] != want[side]:
            diff += 1
            at = first_difference(got[side], want[side])
            print("FAIL: %s %s bytes differ at offset %d: capture %r, "
                  "transcript %r" % (label, name, at,
                                     got[side][at:at + 200],
                                     want[side][at:at + 200]))
    return diff, more


def split_tls(conn, got):
    """The capture's TCP bytes cut where the transcript's plaintext
    ends; the rest must be TLS records on both sides."""
    plain = [got[0][:len(conn.plain[0])], got[1][:len(conn.plain[1])]]
    rest = [got[0][len(conn.plain[0]):], got[1][len(conn.plain[1]):]]
    ok = all(r.startswith(b"\x16\x03") for r in rest)
    if not ok:
        print("FAIL: %s: after STARTTLS the capture holds %r / %r, not "
              "TLS records" % (conn.label, rest[0][:40], rest[1][:40]))
    return plain, ok


def main():
    args = sys.argv[1:]
    keylog = None
    if args[:1] == ["--keylog"]:
        keylog, args = args[1], args[2:]
    results_path, capture, skip = args[0], args[1], int(args[2])
    with open(results_path, encoding="utf-8") as f:
        results = json.load(f)["results"]
    if len(args) > 3:
        results = [r for r in results if r["id"] == args[3]]
    conns = sessions_of(results)
    count = len(conns) + skip
    streams, expert = tshark(capture, count, keylog,
                             [c.server_port for c in conns])
    warnings = serious(expert)
    if warnings:
        print("FAIL: tshark warns about %s:\n%s" % (capture,
                                                   "\n".join(expert)))
        return 1
    tcp = sorted(n for proto, n in streams if proto == "tcp")
    if tcp != list(range(count)):
        print("FAIL: TCP streams %s in %s, expected %d (%d sessions "
              "in %s + %d)" % (tcp[:20], capture, count, len(conns),
                               results_path, skip))
        return 1
    same = clipped = bad = more = tls = 0
    for i, conn in enumerate(conns):
        if not conn.comparable:
            clipped += 1
            continue
        got = oriented(streams.get(("tcp", i + skip)), conn.server_port)
        label = "%s stream %d" % (conn.label, i + skip)
        diff = 0
        if conn.tls is not None:
            tls += 1
            got, ok = split_tls(conn, got)
            diff += not ok
        d, m = compare(label, got, conn.plain, conn.failed)
        diff, more = diff + d, more + m
        if conn.tls is not None and keylog:
            dec = oriented(streams.get(("tls", i + skip)),
                           conn.server_port)
            d, m = compare(label + " (decrypted)", dec, conn.tls,
                           conn.failed)
            diff, more = diff + d, more + m
        bad += diff
        same += diff == 0
    print("%d sessions equal their transcript (%d in TLS, %s; %d failed "
          "and the server sent more after the failing step), %d clipped "
          "(not compared), %d differences" %
          (same, tls, "decrypted with the key log" if keylog else
           "encrypted part checked as TLS records", more, clipped, bad))
    return 1 if bad or same == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
