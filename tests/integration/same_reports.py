#!/usr/bin/env python3
"""same_reports.py - do two runs of the same suite have the same reports,
once what may differ between runs is blanked out: timings, the start
time, the command line, the mock's queue ids and process ids?  Used to
show that -j N writes the same reports as -j 1 (cli_jobs.sh).

usage: same_reports.py DIR A B [EXT...]
    compares DIR/A.EXT with DIR/B.EXT for each EXT (default: json, xml,
    html, txt);
    prints a diff and exits 1 when they differ.
"""
import difflib
import json
import re
import sys

TIMING_KEYS = {"t_ms", "duration_ms", "started_unix_ms", "started",
               "command_line"}
QUEUE_ID = re.compile(r"MOCK[0-9.]+|process group [0-9]+")


def scrub(v):
    """Drop timing keys everywhere; blank queue ids in strings."""
    if isinstance(v, dict):
        # A queue id's length varies with the mock's pid: so does the
        # size of the reply that carries it.
        drop = TIMING_KEYS | ({"bytes"} if QUEUE_ID.search(
            str(v.get("text", ""))) else set())
        return {k: scrub(x) for k, x in v.items() if k not in drop}
    if isinstance(v, list):
        return [scrub(x) for x in v]
    if isinstance(v, str):
        return QUEUE_ID.sub("MOCK", v)
    return v


def text(s):
    """Markup and terminal text: every number blanked (times, sizes of
    timing strings), the command line dropped."""
    s = QUEUE_ID.sub("MOCK", s)
    s = re.sub(r"smtpconf run [^<\"\n]*", "smtpconf run ...", s)
    return re.sub(r"[0-9]+", "N", s)


def normalized(path):
    """The report at path, normalized by its kind."""
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        data = f.read()
    if path.endswith(".json"):
        return json.dumps(scrub(json.loads(data)), indent=1,
                          sort_keys=True)
    if path.endswith(".xml"):
        out = QUEUE_ID.sub("MOCK", data)
        out = re.sub(r' (time|timestamp)="[^"]*"', r' \1=""', out)
        return re.sub(r'(name="command_line" value=)"[^"]*"', r'\1""',
                      out)
    return text(data)


def main():
    folder, a, b = sys.argv[1:4]
    bad = 0
    for ext in sys.argv[4:] or ("json", "xml", "html", "txt"):
        pa, pb = f"{folder}/{a}.{ext}", f"{folder}/{b}.{ext}"
        la = normalized(pa).splitlines(keepends=True)
        lb = normalized(pb).splitlines(keepends=True)
        if la != lb:
            sys.stderr.writelines(difflib.unified_diff(la, lb, pa, pb))
            bad = 1
    sys.exit(bad)


main()
