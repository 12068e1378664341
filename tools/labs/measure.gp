# gnuplot -e "dat='...'; out='...'" tools/labs/measure.gp   (tools/labs/measure.sh)
# The DONTNEED pass of bench_sparse_reclaim against the CPU count, one line
# per strategy, and the reclaim IPIs on a second axis.
set terminal pngcairo size 900,500 font ",10" noenhanced
set output out
set title "MADV_DONTNEED of 8 GiB with 4096 PTE tables (median pass), by strategy and CPUs"
set xlabel "CPUs"
set ylabel "ms per DONTNEED pass"
set y2label "reclaim IPIs (whole run)"
set xtics (1, 2, 4)
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set key top left
set grid ytics
plot for [s in "rcu ipi off"] dat using (strcol(1) eq s ? $2 : NaN):3 with linespoints lw 2 title s." (ms)", \
     dat using (strcol(1) eq "ipi" ? $2 : NaN):5 axes x1y2 with points pt 7 ps 1.5 title "ipi: reclaim IPIs"
