#!/usr/bin/env python3
# Usage: tools/trace/plot.py DIR STRATEGY...       (tools/trace/run.sh runs it)
#
# Reads DIR/S.trace (the lines of /proc/pttrace, mm/pt_trace.h, after a
# "# workload W ptfree S tsc_mhz M" line) for each strategy S, writes the
# data files gnuplot draws and DIR/plots.gp, which draws:
#   tables-S.png   tables alive per level (allocated, not yet freed) and the
#                  tables unlinked but waiting for the strategy, over time
#   lives-S.png    one bar per table for LIVES consecutive tables from the
#                  middle of the run (lives are short: the whole run would
#                  show dots): green while in use (allocated -> count 0),
#                  red while waiting (unlinked -> freed)
#   cpus-S.png     grace periods (bars) and the IPIs each CPU received
#   strategies.png the lives plots of every strategy one above the other
# Times are milliseconds since the first event, from the TSC.

import os
import sys

LIVES = 60
LEVELS = {1: "pte", 2: "pmd", 3: "pud"}


def read_trace(path):
    """(header dict, list of (ms, cpu, event, fields)) of one trace file."""
    header, events, t0, mhz = {}, [], None, None
    with open(path) as f:
        for line in f:
            words = line.split()
            if line.startswith("#"):
                header = dict(zip(words[1::2], words[2::2]))
                mhz = float(header["tsc_mhz"])
                continue
            if len(words) < 3 or not words[0].isdigit() or not words[1].isdigit():
                continue
            tsc = int(words[1])
            t0 = tsc if t0 is None else t0
            fields = dict(w.split("=", 1) for w in words[3:] if "=" in w)
            events.append(((tsc - t0) / (mhz * 1000.0), int(words[0]), words[2], fields))
    return header, events


def table_lives(events):
    """Each table's life: dicts with level, alloc, empty, unlink, freed (ms)."""
    open_by_key, waiting_by_key, lives = {}, {}, []
    for ms, _, event, f in events:
        if event not in ("alloc", "empty", "unlink", "freed"):
            continue
        key = (int(f["level"]), f["va"])
        if event == "alloc":
            life = {"level": key[0], "alloc": ms}
            open_by_key.setdefault(key, []).append(life)
            lives.append(life)
        elif event == "empty" and open_by_key.get(key):
            open_by_key[key][-1]["empty"] = ms
        elif event == "unlink" and open_by_key.get(key):
            life = open_by_key[key].pop()
            life["unlink"] = ms
            waiting_by_key.setdefault(key, []).append(life)
        elif event == "freed" and waiting_by_key.get(key):
            waiting_by_key[key].pop(0)["freed"] = ms
    return lives


def write_alive(path, events):
    """Columns: ms, pte, pmd, pud tables alive, tables waiting."""
    alive = {1: 0, 2: 0, 3: 0}
    waiting = 0
    with open(path, "w") as out:
        out.write("ms pte pmd pud waiting\n0 0 0 0 0\n")
        for ms, _, event, f in events:
            level = int(f.get("level", 0))
            if level not in alive or event not in ("alloc", "unlink", "freed"):
                continue
            if event == "alloc":
                alive[level] += 1
            elif event == "unlink":
                waiting += 1
            else:
                alive[level] -= 1
                waiting -= 1
            out.write("%.3f %d %d %d %d\n" % (ms, alive[1], alive[2], alive[3], waiting))


def write_lives(path, lives):
    """Columns: y, start, length, phase (0 in use, 1 waiting), for LIVES
    tables from the middle; returns how many tables died, their median wait."""
    done = [l for l in lives if "freed" in l and "unlink" in l]
    middle = max(0, len(done) // 2 - LIVES // 2)
    with open(path, "w") as out:
        for y, life in enumerate(done[middle:middle + LIVES]):
            empty = life.get("empty", life["unlink"])
            out.write("%d %.3f %.3f 0\n" % (y, life["alloc"], empty - life["alloc"]))
            out.write("%d %.3f %.3f 1\n" % (y, life["unlink"], life["freed"] - life["unlink"]))
    waits = sorted(l["freed"] - l["unlink"] for l in done)
    return len(done), waits[len(waits) // 2] if waits else 0.0


def write_cpus(gp_path, ipi_path, events):
    """Grace periods (start, length) and IPIs received (ms, cpu)."""
    started = {}
    with open(gp_path, "w") as gp, open(ipi_path, "w") as ipi:
        gp.write("0 0\n")
        ipi.write("0 -5\n")
        for ms, _, event, f in events:
            if event == "gp_start":
                started[f["gp"]] = ms
            elif event == "gp_end" and f["gp"] in started:
                gp.write("%.3f %.3f\n" % (started[f["gp"]], ms - started.pop(f["gp"])))
            elif event == "ipi_send":
                mask = int(f["cpus"], 16)
                for cpu in range(64):
                    if mask >> cpu & 1:
                        ipi.write("%.3f %d\n" % (ms, cpu))


def main():
    out, strategies = sys.argv[1], sys.argv[2:]
    gp = ['set terminal pngcairo size 1000,500 font ",10" noenhanced', "set grid", "set key top left"]
    summary = {}
    for s in strategies:
        header, events = read_trace(os.path.join(out, s + ".trace"))
        workload = header.get("workload", "?")
        write_alive(os.path.join(out, s + "-alive.dat"), events)
        count, median_wait = write_lives(os.path.join(out, s + "-lives.dat"), table_lives(events))
        write_cpus(os.path.join(out, s + "-gp.dat"), os.path.join(out, s + "-ipi.dat"), events)
        summary[s] = (workload, count, median_wait)
        title = "%s, ptfree=%s" % (workload, s)
        gp += [
            "set output '%s/tables-%s.png'" % (out, s),
            "set title 'Page-table pages alive: %s'" % title,
            "set xlabel 'ms'", "set ylabel 'tables'", "set yrange [0:*]",
            "plot for [i=2:4] '%s/%s-alive.dat' using 1:i with steps lw 2 title columnheader(i), "
            "'%s/%s-alive.dat' using 1:5 with steps lw 2 dt 2 title 'unlinked, waiting'"
            % (out, s, out, s),
            "set output '%s/lives-%s.png'" % (out, s),
            "set title \"Each table's life, %d of %d (median wait %.2f ms): %s\""
            % (LIVES, count, median_wait, title),
            "set ylabel 'table (in order of allocation)'", "set yrange [-1:%d]" % LIVES,
            "plot '%s/%s-lives.dat' using 2:1:3:(0):($4 == 0 ? 0x2ca02c : 0xd62728) "
            "with vectors nohead lw 2 lc rgb variable notitle, "
            "NaN with lines lw 3 lc rgb '#2ca02c' title 'in use', "
            "NaN with lines lw 3 lc rgb '#d62728' title 'unlinked, waiting to be freed'"
            % (out, s),
            "set output '%s/cpus-%s.png'" % (out, s),
            "set title 'Grace periods and IPIs received per CPU: %s'" % title,
            "set ylabel 'CPU'", "set yrange [-2:4]", "set ytics ('grace periods' -1, 0, 1, 2, 3)",
            "plot '%s/%s-gp.dat' using 1:(-1):2:(0) with vectors nohead lw 6 lc rgb '#1f77b4' "
            "title 'grace period', '%s/%s-ipi.dat' using 1:2 with points pt 7 ps 0.4 "
            "lc rgb '#ff7f0e' title 'IPI'" % (out, s, out, s),
            "set ytics auto",
        ]
    if len(strategies) > 1:
        gp += ["set terminal pngcairo size 1000,%d font ',10' noenhanced" % (300 * len(strategies)),
               "set output '%s/strategies.png'" % out,
               "set multiplot layout %d,1" % len(strategies), "set yrange [-1:%d]" % LIVES,
               "set ylabel 'table'"]
        for s in strategies:
            workload, count, median_wait = summary[s]
            gp += ["set title \"ptfree=%s: each table's life (median wait %.2f ms)\"" % (s, median_wait),
                   "plot '%s/%s-lives.dat' using 2:1:3:(0):($4 == 0 ? 0x2ca02c : 0xd62728) "
                   "with vectors nohead lw 2 lc rgb variable notitle, "
                   "NaN with lines lw 3 lc rgb '#2ca02c' title 'in use', "
                   "NaN with lines lw 3 lc rgb '#d62728' title 'waiting'" % (out, s)]
        gp.append("unset multiplot")
    with open(os.path.join(out, "plots.gp"), "w") as f:
        f.write("\n".join(gp) + "\n")
    for s, (workload, count, median_wait) in summary.items():
        print("trace: ptfree=%s: %d tables lived and died, median wait %.3f ms"
              % (s, count, median_wait))


if __name__ == "__main__":
    main()
