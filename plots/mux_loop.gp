# mux_loop.gp - an event loop's throughput against the share of its fds
# that are busy, one line per mechanism/variant.
# Top: events handled per second (median over repetitions, whisker: its CI).
# Bottom: CPU time of the loop thread per event.
# Inputs (-e): data, out, fmt ('svg'|'png'), title, titles (labels with
# columns, space-separated, in order).
# Data: active fraction, then per label events/s, CI low, CI high, CPU ns
# per event ('-' where missing).
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
plot for [i=1:n] data using 1:(column(4*i-2)):(column(4*i-1)):(column(4*i)) \
     with yerrorlines lw 1.5 pt 1 + (i - 1) % 13 ps 0.8 dt 1 + (i - 1) / 8 \
     title word(titles, i)
set ylabel 'loop thread CPU per event (ns, log)'
set logscale y
set format y '%g'
set xlabel 'active fraction: busy fds / registered fds (log scale)'
set format x '%g'
unset key
plot for [i=1:n] data using 1:(column(4*i+1)) \
     with linespoints lw 1.5 pt 1 + (i - 1) % 13 ps 0.8 dt 1 + (i - 1) / 8 \
     title word(titles, i)
unset multiplot
