#!/bin/bash
# Usage: tools/trace/run.sh WORKLOAD PTFREE...    (make trace runs it)
#
# For each strategy in PTFREE (rcu, ipi, off, or "all" for the three), boots
# the DEBUG=0 ISO that make trace built (build/trace/prune/prune.iso) with
# -smp 4 -m 2G, "ptfree=S init=/bin/tracerun /bin/WORKLOAD", so the page-table
# events of the workload are recorded (mm/pt_trace.h) and printed over the
# serial port; keeps them in build/trace/S.trace and draws, with
# tools/trace/plot.py and gnuplot, into build/trace/:
#   tables-S.png   tables alive per level, and tables waiting to be freed
#   lives-S.png    each table's life as a bar: in use, then waiting
#   cpus-S.png     grace periods and the IPIs each CPU received
# and, when the three strategies ran, strategies.png: their table lives one
# above the other (the lecture slide), which is also copied with the
# lives-S.png plots into docs/trace/ (unless TRACE_DOCS=0).
set -eu
cd "$(dirname "$0")/../.."
[ $# -ge 2 ] || { echo "usage: tools/trace/run.sh WORKLOAD PTFREE..." >&2; exit 2; }
workload=$1
shift
strategies=("$@")
[ "${strategies[*]}" = all ] && strategies=(rcu ipi off)
out=build/trace
iso=$out/prune/prune.iso
[ -f "$iso" ] || { echo "trace: no $iso: run make trace" >&2; exit 1; }
mkdir -p "$out"

for s in "${strategies[@]}"; do
    case $s in rcu | ipi | off) ;; *) echo "trace: unknown ptfree $s (rcu, ipi, off, all)" >&2; exit 2 ;; esac
    echo "trace: $workload under ptfree=$s"
    log=$out/$s.log
    tools/qemu-run "$iso" --smp 4 --mem 2G --timeout 900 \
        --cmdline "ptfree=$s init=/bin/tracerun /bin/$workload" > "$log" 2>&1 || true
    grep -q "^tracerun: .* exited with status 0" "$log" ||
        { echo "trace: the run failed (see $log)" >&2; exit 1; }
    mhz=$(sed -n 's/^hwinfo: time TSC \([0-9.]*\) MHz.*/\1/p' "$log" | head -1)
    { echo "# workload $workload ptfree $s tsc_mhz $mhz"; sed -n 's/^T //p' "$log"; } > "$out/$s.trace"
    echo "trace: $(grep -c . "$out/$s.trace") events in $out/$s.trace"
done
python3 tools/trace/plot.py "$out" "${strategies[@]}"
gnuplot "$out/plots.gp"
ls "$out"/*.png
if [ ${#strategies[@]} = 3 ] && [ "${TRACE_DOCS:-1}" = 1 ]; then
    mkdir -p docs/trace
    cp "$out"/strategies.png "$out"/lives-rcu.png "$out"/lives-ipi.png "$out"/lives-off.png docs/trace/
    echo "trace: plots copied to docs/trace/"
fi
