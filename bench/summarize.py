#!/usr/bin/env python3
"""bench/summarize.py RESULTS-DIR SESSIONS SUITE-SCENARIOS - turn the
hyperfine JSON files and rusage.tsv that bench/run.sh leaves in RESULTS-DIR
into RESULTS-DIR/summary.md: per-session wall and CPU time, sessions per
second, and the ratios the project's goals are stated in.

CPU time is hyperfine's mean user + system time of the command and its
children, so it is the client's cost alone; Postfix's processes are not
its children and are not counted.  Wall time includes Postfix's work.
"""
import json
import os
import sys

# The goals stated by the project, checked in the "Goals" table.
GOAL_VS_SMTP_SOURCE = 1.2   # smtpconf per-dialogue cost at most 1.2x
GOAL_VS_SWAKS = 20.0        # smtpconf at least 20x faster than swaks


def load(results, name):
    """load - the hyperfine results of RESULTS/NAME.json by command name"""
    path = os.path.join(results, name + ".json")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return {r["command"]: r for r in json.load(f)["results"]}


def per_session(r, sessions):
    """per_session - wall and CPU figures of one hyperfine result"""
    cpu = r["user"] + r["system"]
    return {
        "mean": r["mean"],
        "stddev": r.get("stddev") or 0.0,
        "runs": len(r["times"]),
        "rate": sessions / r["mean"],
        "wall_ms": 1000.0 * r["mean"] / sessions,
        "cpu_ms": 1000.0 * cpu / sessions,
    }


def ratio(a, b):
    """ratio - a / b as text, '-' when either is missing"""
    if a is None or b is None or b == 0:
        return "-"
    return "%.2fx" % (a / b)


def table(out, title, rows, sessions, base):
    """table - one markdown table of a benchmark group"""
    out.append("### %s (%d sessions per run)\n" % (title, sessions))
    out.append("| command | runs | wall per run (s) | sessions/s "
               "| wall per session (ms) | client CPU per session (ms) "
               "| wall vs %s | CPU vs %s |" % (base, base))
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    ref = rows.get(base)
    for name, f in rows.items():
        out.append("| %s | %d | %.3f ± %.3f | %.0f | %.2f | %.3f | %s | %s |"
                   % (name, f["runs"], f["mean"], f["stddev"], f["rate"],
                      f["wall_ms"], f["cpu_ms"],
                      ratio(f["wall_ms"], ref and ref["wall_ms"]),
                      ratio(f["cpu_ms"], ref and ref["cpu_ms"])))
    out.append("")


def group(results, names, sessions):
    """group - per-session figures of the commands in the given files"""
    rows = {}
    for name in names:
        for cmd, r in load(results, name).items():
            rows[cmd] = per_session(r, sessions)
    return rows


def goal_row(what, value, goal, better_low):
    """goal_row - one line of the goals table: value against goal"""
    text = ("<= %.1fx" if better_low else ">= %.0fx") % goal
    if value is None:
        return "| %s | - | %s | not measured |" % (what, text)
    met = value <= goal if better_low else value >= goal
    return "| %s | %.2fx | %s | %s |" % (what, value, text,
                                         "met" if met else "NOT met")


def goals(out, tx):
    """goals - the project's two speed goals against this run"""
    sc, sch = tx.get("smtpconf (EHLO)"), tx.get("smtpconf (HELO)")
    src, sw = tx.get("smtp-source (HELO)"), tx.get("swaks (EHLO)")
    cpu_src = sch and src and sch["cpu_ms"] / src["cpu_ms"]
    wall_src = sch and src and sch["wall_ms"] / src["wall_ms"]
    wall_sw = sc and sw and sw["wall_ms"] / sc["wall_ms"]
    cpu_sw = sc and sw and sw["cpu_ms"] / sc["cpu_ms"]
    out.append("### Goals\n")
    out.append("| comparison | this run | goal | |")
    out.append("|---|---:|---|---|")
    out.append(goal_row("smtpconf (HELO) / smtp-source, client CPU per "
                        "dialogue", cpu_src, GOAL_VS_SMTP_SOURCE, True))
    out.append(goal_row("smtpconf (HELO) / smtp-source, wall per dialogue",
                        wall_src, GOAL_VS_SMTP_SOURCE, True))
    out.append(goal_row("swaks / smtpconf (EHLO), wall per dialogue",
                        wall_sw, GOAL_VS_SWAKS, False))
    out.append(goal_row("swaks / smtpconf (EHLO), client CPU per dialogue",
                        cpu_sw, GOAL_VS_SWAKS, False))
    out.append("")


def suite(out, results, count):
    """suite - the built-in suite: a line per -j, per scenario"""
    rows = load(results, "suite")
    if not rows:
        return
    out.append("### Built-in suite (%d scenarios per run)\n" % count)
    out.append("| command | runs | wall per run (s) "
               "| wall per scenario (ms) | client CPU per scenario (ms) |")
    out.append("|---|---:|---:|---:|---:|")
    for cmd, r in rows.items():
        f = per_session(r, count)
        out.append("| %s | %d | %.3f ± %.3f | %.2f | %.3f |"
                   % (cmd, f["runs"], f["mean"], f["stddev"], f["wall_ms"],
                      f["cpu_ms"]))
    out.append("")


def rusage(out, results):
    """rusage - peak RSS and CPU of one extra run each (/usr/bin/time)"""
    path = os.path.join(results, "rusage.tsv")
    if not os.path.exists(path):
        return
    with open(path) as f:
        lines = [l.rstrip("\n").split("\t") for l in f if l.strip()]
    out.append("### One run each under /usr/bin/time\n")
    out.append("| %s |" % " | ".join(lines[0]))
    out.append("|---|" + "---:|" * (len(lines[0]) - 1))
    for cols in lines[1:]:
        out.append("| %s |" % " | ".join(cols))
    out.append("")


def main(argv):
    if len(argv) != 4:
        sys.stderr.write("usage: summarize.py RESULTS-DIR SESSIONS "
                         "SUITE-SCENARIOS\n")
        return 2
    results, sessions, count = argv[1], int(argv[2]), int(argv[3])
    out = ["## Results\n"]
    tx = group(results, ["transaction", "transaction-swaks"], sessions)
    table(out, "One mail transaction per session", tx, sessions,
          "smtp-source (HELO)")
    table(out, "Session only: EHLO, QUIT",
          group(results, ["session", "session-swaks"], sessions), sessions,
          "smtpconf")
    goals(out, tx)
    suite(out, results, count)
    rusage(out, results)
    with open(os.path.join(results, "summary.md"), "w") as f:
        f.write("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
