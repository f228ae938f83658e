#!/usr/bin/env python3
"""pcap_streams.py - compare a --pcap capture with the JSON transcripts.

usage: pcap_streams.py RESULTS.json CAPTURE.pcap SKIP [ID]

Every TCP stream of the capture, reassembled by tshark
(`-z follow,tcp,raw,N`), must equal, byte for byte and in both
directions, what the transcript of its session says was sent and
received.  Streams are matched to sessions in connect order; the first
SKIP streams (the probe session, which has no transcript) are left out.
With ID, only that scenario's sessions are expected (a file of --pcap DIR).
A session whose transcript was clipped (an entry over the report's
limits) cannot be compared and is counted as such, never as a pass.
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


def sessions_of(results):
    """One [client bytes, server bytes, comparable, label] per connect."""
    conns = []
    for res in results:
        current = {}
        for e in res["transcript"]:
            if e["kind"] == "event" and e["text"].startswith("connected to"):
                current[e["session"]] = len(conns)
                conns.append([b"", b"", res["tx_dropped"] == 0,
                              "%s[%s]" % (res["id"], e["session"]),
                              res["verdict"] in FAILED])
                continue
            if e["kind"] not in ("send", "reply"):
                continue
            idx = current.get(e["session"])
            if idx is None:
                continue
            data = undisplay(e["text"])
            if CLIPPED.search(e["text"]) or len(data) != e["bytes"]:
                conns[idx][2] = False
            side = 0 if e["kind"] == "send" else 1
            conns[idx][side] += data
    return conns


def tshark(capture, count):
    """{stream: [client bytes, server bytes]} for streams 0..count, and
    tshark's expert summary, from one tshark run; a stream tshark does
    not have is left out."""
    args = ["tshark", "-r", capture, "-q", "-z", "expert"]
    for n in range(count + 1):
        args += ["-z", "follow,tcp,raw,%d" % n]
    out = subprocess.run(args, check=True, capture_output=True,
                         text=True).stdout
    streams = {}
    stream = None
    expert = []
    in_expert = False
    for line in out.splitlines():
        m = re.match(r"Filter: tcp\.stream eq (\d+)", line)
        if m:
            stream = int(m.group(1))
            streams[stream] = [b"", b""]
            continue
        if line.startswith("Node 0: :0"):
            del streams[stream]
            stream = None
            continue
        if line.startswith("===="):
            continue
        if re.match(r"(Errors|Warns|Notes|Chats) \(", line):
            stream = None
            in_expert = True
        if in_expert and not line.startswith("Follow:"):
            expert.append(line)
        if stream is None or not re.fullmatch(r"\t?[0-9a-f]+", line):
            continue
        side = 1 if line.startswith("\t") else 0
        streams[stream][side] += bytes.fromhex(line.strip())
    return streams, expert


def first_difference(a, b):
    """Offset of the first byte where a and b differ."""
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


def serious(expert):
    """Expert warnings and errors, but a reset the server really sent
    (the capture shows it as the RST it was)."""
    found = []
    section = None
    for line in expert:
        m = re.match(r"(Errors|Warns|Notes|Chats) \(", line)
        if m:
            section = m.group(1)
            continue
        if section in ("Errors", "Warns") and re.match(r"\s+\d+ ", line) \
                and not line.endswith("Connection reset (RST)"):
            found.append(line)
    return found


def main():
    results_path, capture, skip = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(results_path, encoding="utf-8") as f:
        results = json.load(f)["results"]
    if len(sys.argv) > 4:
        results = [r for r in results if r["id"] == sys.argv[4]]
    conns = sessions_of(results)
    count = len(conns) + skip
    streams, expert = tshark(capture, count)
    warnings = serious(expert)
    if warnings:
        print("FAIL: tshark warns about %s:\n%s" % (capture,
                                                   "\n".join(expert)))
        return 1
    if sorted(streams) != list(range(count)):
        print("FAIL: TCP streams %s in %s, expected %d (%d sessions "
              "in %s + %d)" % (sorted(streams)[:20], capture, count,
                               len(conns), results_path, skip))
        return 1
    same = clipped = bad = more = 0
    for i, (cli, srv, comparable, label, failed) in enumerate(conns):
        got = streams.get(i + skip, [b"", b""])
        if not comparable:
            clipped += 1
            continue
        diff = 0
        if failed and got[1] != srv and got[1].startswith(srv):
            more += 1
            got = [got[0], srv]
        for side, want, name in ((0, cli, "client"), (1, srv, "server")):
            if got[side] != want:
                diff += 1
                at = first_difference(got[side], want)
                print("FAIL: %s stream %d %s bytes differ at offset %d: "
                      "capture %r, transcript %r" %
                      (label, i + skip, name, at,
                       got[side][at:at + 200], want[at:at + 200]))
        bad += diff
        same += diff == 0
    print("%d sessions equal their transcript (%d of them failed, and the"
          " server sent more after the failing step), %d clipped (not "
          "compared), %d differences" % (same, more, clipped, bad))
    return 1 if bad or same == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
