#!/usr/bin/env python3
# Usage: tools/labs/check_trace.py RULE TRACE [TRACE]    (tools/labs/grade.sh)
#
# Checks a rule of the strategies on traces of /proc/pttrace (mm/pt_trace.h):
#   rcu-after-grace-period TRACE
#       every table freed was freed after a whole grace period that started
#       after it was queued (R4 under ptfree=rcu)
#   ipi-waits-less IPI_TRACE RCU_TRACE
#       the median time from unlink to free is shorter under ipi than rcu
# Prints what it found; exit status 1 if the rule does not hold.
import bisect
import sys


def events(path):
    """(tsc, event, fields) of each line; raises if events were lost."""
    out = []
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) < 3 or not w[1].isdigit():
                continue
            if w[2] == "lost":
                raise SystemExit("%s: the trace lost events (%s): cannot check" % (path, line.strip()))
            out.append((int(w[1]), w[2], dict(x.split("=", 1) for x in w[3:] if "=" in x)))
    out.sort(key=lambda e: e[0])
    return out


def waits(evs, start_event):
    """(start tsc, freed tsc) of each table, matched by level and va."""
    pending, pairs = {}, []
    for tsc, ev, f in evs:
        key = (f.get("level"), f.get("va"))
        if ev == start_event:
            pending.setdefault(key, []).append(tsc)
        elif ev == "freed" and pending.get(key):
            pairs.append((pending[key].pop(0), tsc))
    return pairs


def rcu_after_grace_period(path):
    evs = events(path)
    starts, gps = {}, []
    for tsc, ev, f in evs:
        if ev == "gp_start":
            starts[f["gp"]] = tsc
        elif ev == "gp_end" and f["gp"] in starts:
            gps.append((starts.pop(f["gp"]), tsc))
    gps.sort()
    gp_starts = [s for s, _ in gps]
    pairs = waits(evs, "queued")
    bad = 0
    for queued, freed in pairs:
        i = bisect.bisect_left(gp_starts, queued)
        if i == len(gps) or gps[i][1] > freed:
            bad += 1
    print("%d tables queued and freed, %d grace periods; %d freed without a whole grace "
          "period after their queueing" % (len(pairs), len(gps), bad))
    return len(pairs) > 0 and bad == 0


def median_wait(path):
    w = sorted(f - u for u, f in waits(events(path), "unlink"))
    return w[len(w) // 2] if w else None


def ipi_waits_less(ipi_path, rcu_path):
    ipi, rcu = median_wait(ipi_path), median_wait(rcu_path)
    print("median wait from unlink to free: ipi %s cycles, rcu %s cycles" % (ipi, rcu))
    return ipi is not None and rcu is not None and ipi < rcu


rules = {"rcu-after-grace-period": rcu_after_grace_period, "ipi-waits-less": ipi_waits_less}
if len(sys.argv) < 3 or sys.argv[1] not in rules:
    raise SystemExit("usage: check_trace.py %s TRACE [TRACE]" % "|".join(rules))
sys.exit(0 if rules[sys.argv[1]](*sys.argv[2:]) else 1)
