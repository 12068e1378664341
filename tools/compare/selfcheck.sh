#!/bin/bash
# Usage: tools/compare/selfcheck.sh      (about 10 s; not part of make test)
#
# A quick check of make compare's plumbing, without QEMU: builds the user
# benchmarks, runs them natively, hands their figures to report.pl as the
# figures of every system, and fails if the report has a figure no
# benchmark printed (a "-" cell: a renamed figure), if a plot's data file
# is empty, or if gnuplot fails.
set -eu
cd "$(dirname "$0")/../.."
make -s user
dir=$(mktemp -d /tmp/compare-check.XXXXXX)
trap 'rm -rf "$dir"' EXIT
mkdir -p $dir/results
for b in build/user/bin/bench_*; do
    BENCH_PRESSURE_ANYWAY=1 "$b"
done | grep -E '^[a-z_0-9]+ [0-9]+ [a-z]+$' > $dir/results/host.txt
for s in prune-rcu prune-ipi prune-off prune-lazy linux-qemu prune-128m linux-qemu-128m; do
    cp $dir/results/host.txt $dir/results/$s.txt
done
# the figures only prune prints (from /proc/ptstat): the host has none
for s in prune-rcu prune-ipi prune-off prune-lazy; do
    printf 'churn_pte_tables_allocated 1 tables\nchurn_tables_allocated 1 tables\n' >> $dir/results/$s.txt
done
echo "date selfcheck" > $dir/results/meta.txt
perl tools/compare/report.pl $dir
gnuplot -e "dir='$dir'" tools/compare/plots.gp
status=0
if grep -n '| - \|| -$\| - |' $dir/report.md; then
    echo "selfcheck: FAIL: the report names figures no benchmark printed (above)"; status=1
fi
for f in seed_vmpte fault_time; do
    if [ "$(grep -c '?' $dir/$f.dat)" != 0 ] || [ "$(wc -l < $dir/$f.dat)" -lt 3 ]; then
        echo "selfcheck: FAIL: $f.dat has missing points"; status=1
    fi
    [ -s $dir/$f.png ] || { echo "selfcheck: FAIL: no $f.png"; status=1; }
done
[ $status = 0 ] && echo "selfcheck: ok ($(wc -l < $dir/results/host.txt) figures)"
exit $status
