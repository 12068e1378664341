#!/bin/bash
# Usage: tools/labs/measure.sh [--check]      (docs/labs/measure.md)
#
# Runs bench_sparse_reclaim (4096 PTE tables touched, then MADV_DONTNEED,
# 20 times) under ptfree=rcu, ipi and off with 1, 2 and 4 CPUs, on the
# DEBUG=0 kernel (built into build/trace/prune, as make trace does), through
# tracerun, and writes build/labs/measure.dat, one row per run:
#   ptfree cpus dontneed_ms touch_ms reclaim_ipis grace_periods
# (the median DONTNEED and touch passes, and /proc/ptstat's counters after
# the run), then draws build/labs/measure.png. With --check, also checks
# what the lab's questions rest on: 9 rows with times, no reclaim IPI at 1
# CPU or under rcu, some under ipi at 4 CPUs.
set -u
cd "$(dirname "$0")/../.." || exit 2
out=build/labs
mkdir -p "$out"
make BUILD=build/trace/prune DEBUG=0 iso > "$out/measure-build.log" 2>&1 ||
    { echo "measure: the DEBUG=0 build failed ($out/measure-build.log)"; exit 1; }
iso=build/trace/prune/prune.iso
dat=$out/measure.dat
echo "ptfree cpus dontneed_ms touch_ms reclaim_ipis grace_periods" > "$dat"
for s in rcu ipi off; do
    for cpus in 1 2 4; do
        log=$out/measure-$s-$cpus.log
        tools/qemu-run "$iso" --smp $cpus --mem 512M --timeout 600 \
            --cmdline "ptfree=$s init=/bin/tracerun /bin/bench_sparse_reclaim" 2>&1 |
            tr -d '\r' > "$log"
        ns() { awk -v k="$1" '$1 == k && $3 == "ns" { printf "%.3f", $2 / 1e6 }' "$log"; }
        stat() { sed -n "s/^S $1 //p" "$log"; }
        row="$s $cpus $(ns sparse_dontneed_8g_time) $(ns sparse_touch_4096_tables_time) $(stat reclaim_ipis) $(stat grace_periods)"
        echo "$row" | tee -a "$dat"
    done
done
gnuplot -e "dat='$dat'; out='$out/measure.png'" tools/labs/measure.gp || exit 1
[ -s "$out/measure.png" ] || { echo "measure: gnuplot drew nothing"; exit 1; }
echo "measure: $dat, $out/measure.png"
[ "${1:-}" = --check ] || exit 0
awk 'NR > 1 && NF == 6 && $3 > 0 { rows++ }
     NR > 1 && ($2 == 1 || $1 == "rcu") && $5 != 0 { bad = bad " " $1 "/" $2 }
     NR > 1 && $1 == "ipi" && $2 == 4 && $5 > 0 { ipi = 1 }
     END { printf "rows %d, reclaim IPIs where none are due:%s, ipi at 4 CPUs sends some: %s\n",
                  rows, bad == "" ? " none" : bad, ipi ? "yes" : "no"
           exit !(rows == 9 && bad == "" && ipi) }' "$dat"
