# notify_latency.gp - notification latency per mechanism/variant.
# Bars: median over repetitions of each run's p50; whiskers up to the
# pooled p99 (no whisker where the runs had too few samples for a p99:
# it is left empty, never drawn as 0); one cluster per mechanism, one bar
# per placement.
# Arguments (gnuplot -c script ARG1 ...; string values, never parsed as
# gnuplot code):
#   data, out, fmt ('svg'|'png'), title, ylabel, titles (the placements
#   present, space-separated, in column order).
# Data: label, then p50 and p99 in us for each placement in titles
# ('-' where the cell was not run or not ok).
data = ARG1
out = ARG2
fmt = ARG3
title = ARG4
ylabel = ARG5
titles = ARG6
if (fmt eq 'svg') {
    set terminal svg size 1100,600 dynamic enhanced font 'Sans,11' background '#ffffff'
} else {
    set terminal pngcairo size 1100,600 enhanced font 'Sans,10' background '#ffffff'
}
set output out.'.'.fmt
set title title noenhanced
set datafile separator "\t"
set datafile missing "-"
set style data histograms
set style histogram errorbars gap 2 lw 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set yrange [*:*]
set ylabel ylabel
set xtics rotate by -35 scale 0 font ',9' noenhanced
set grid ytics mytics
set key top left horizontal noenhanced
set bmargin 9
set rmargin 8
color(name) = name eq 'same-cpu' ? '#4477aa' : name eq 'cross-cpu' ? '#ee6677' : '#228833'
top(p50, p99) = valid(p99) ? column(p99) : column(p50)
plot for [i=1:words(titles)] data using 2*i:2*i:(top(2*i, 2*i+1)):xtic(1) \
     title word(titles, i) lc rgb color(word(titles, i))
