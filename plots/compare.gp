# compare.gp - B/A per cell with its order-statistic interval (the title
# says the lowest coverage drawn), one line per cell, families in blocks.
# Green: judged faster (better latency / more ops), red: judged slower,
# grey: no verdict ("~": q >= 0.05 or B/A within 1 +- min-change;
# insufficient).
# Arguments (gnuplot -c script ARG1 ...; string values, never parsed as
# gnuplot code):
#   data, out, fmt ('svg'|'png'), rows (cells incl. gaps), title.
# Data: index, label, ratio, ci_lo, ci_hi, class (0 ~, 1 faster, 2 slower).
data = ARG1
out = ARG2
fmt = ARG3
rows = ARG4 + 0
title = ARG5
h = 160 + 14 * rows
if (fmt eq 'svg') {
    set terminal svg size 1100,h dynamic enhanced font 'Sans,11' background '#ffffff'
} else {
    set terminal pngcairo size 1100,h enhanced font 'Sans,10' background '#ffffff'
}
set output out.'.'.fmt
set title title noenhanced
set datafile separator "\t"
set logscale x
set xlabel 'B / A (log scale); for latency < 1 is faster, for ops/s > 1 is faster'
set yrange [rows:-1]
set ytics font ',8' noenhanced scale 0
set grid xtics
set lmargin 62
set arrow from 1, graph 0 to 1, graph 1 nohead dt 2 lc rgb '#555555'
color(c) = c == 1 ? 0x228833 : c == 2 ? 0xcc3311 : 0xaaaaaa
plot data using 3:1:4:5:(color($6)):ytic(2) with xerrorbars lc rgb variable pt 7 ps 0.7 notitle
