# mux_loop.gp - an event loop's throughput against the share of its fds
# that are busy, one line per mechanism/variant.
# Top: events handled per second (median over repetitions, whisker: its CI).
# Bottom: CPU time per event of the loop and writer threads together (their
# CPU clocks: solid) and of the loop thread alone (dashed, open circles), in
# the line's colour.
# Arguments (gnuplot -c script ARG1 ...; string values, never parsed as
# gnuplot code):
#   data, out, fmt ('svg'|'png'), title, titles (labels with columns,
#   space-separated, in order).
# Data: active fraction, then per label events/s, CI low, CI high, loop
# thread CPU ns per event, loop + writer CPU ns per event ('-' where missing).
data = ARG1
out = ARG2
fmt = ARG3
title = ARG4
titles = ARG5
if (fmt eq 'svg') {
    set terminal svg size 900,760 dynamic enhanced font 'Sans,11' background '#ffffff'
} else {
    set terminal pngcairo size 900,760 enhanced font 'Sans,10' background '#ffffff'
}
set output out.'.'.fmt
set datafile separator "\t"
set datafile missing "-"
set lmargin at screen 0.10
set rmargin at screen 0.76
n = words(titles)
set multiplot layout 2,1 title title noenhanced font ',9'
set logscale x
set xrange [*:1.5]
set grid xtics ytics
set key outside right top noenhanced font ',9'
set bars small
set ylabel 'events handled per second'
set format y '%.2s%c'
set xlabel ''
set format x ''
plot for [i=1:n] data using 1:(column(5*i-3)):(column(5*i-2)):(column(5*i-1)) \
     with yerrorlines lw 1.5 pt 1 + (i - 1) % 13 ps 0.8 dt 1 + (i - 1) / 8 \
     title word(titles, i)
set ylabel 'CPU per event (ns, log)'
set logscale y
set format y '%g'
set xlabel 'active fraction: busy fds / registered fds (log scale)'
set format x '%g'
unset key
plot for [i=1:n] data using 1:(column(5*i+1)) \
     with linespoints lc i lw 1.5 pt 1 + (i - 1) % 13 ps 0.8 title word(titles, i), \
     for [i=1:n] data using 1:(column(5*i)) with linespoints lc i lw 1 dt 2 pt 6 ps 0.6 \
     notitle
unset multiplot
