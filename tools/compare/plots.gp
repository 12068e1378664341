# gnuplot -e "dir='build/compare'" tools/compare/plots.gp   (tools/compare/run.sh)
# Draws the two plots of the report from the data files report.pl wrote:
#   seed_vmpte.png  VmPTE over the steps of the seed test, a line per system
#   fault_time.png  time per fault per workload, a bar per system
# (the systems of the 2 GiB runs: report.pl's @main, six columns)
set terminal pngcairo size 900,500 font ",10"
set key top left
set grid ytics

set output dir.'/seed_vmpte.png'
set title "Page tables of one process (VmPTE) during the seed test:\nmap 5 GiB, then touch 2 MiB and MADV\\_DONTNEED it, 2,560 times"
set xlabel 'steps done (touch 2 MiB + MADV\_DONTNEED)'
set ylabel 'VmPTE (kB)'
set xrange [0:2560]
set yrange [0:*]
# prune-off (column 4) lies on Linux's line: dashed, so both show.
f = dir.'/seed_vmpte.dat'
plot for [i=2:3] f using 1:i with linespoints pointsize 0.6 linewidth 2 title columnheader(i), \
     f using 1:4 with linespoints pointsize 0.6 linewidth 4 dashtype 2 title columnheader(4), \
     for [i=5:7] f using 1:i with linespoints pointsize 0.6 linewidth 2 title columnheader(i)

set output dir.'/fault_time.png'
set title 'Time per page fault (wall clock; lower is better)'
set xlabel ''
set xrange [*:*]
set ylabel 'microseconds per fault'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set xtics nomirror
plot for [i=2:7] dir.'/fault_time.dat' using i:xtic(1) title columnheader(i)
