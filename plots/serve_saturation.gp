# serve_saturation.gp - the saturation curve: p99 request latency against
# the requests per second achieved, one line per mechanism/variant, each
# point one offered rate (a % of the capacity the driver's search found).
# Arguments (gnuplot -c script ARG1 ...; string values, never parsed as
# gnuplot code):
#   data, out, fmt ('svg'|'png'), title, titles (labels, space-separated, in
#   the order of the data's blocks).
# Data: one block per label (gnuplot index i-1), lines of achieved req/s,
# pooled p99 ns ('-' when missing) and the offered rate ("30%").
data = ARG1
out = ARG2
fmt = ARG3
title = ARG4
titles = ARG5
if (fmt eq 'svg') {
    set terminal svg size 900,560 dynamic enhanced font 'Sans,11' background '#ffffff'
} else {
    set terminal pngcairo size 900,560 enhanced font 'Sans,10' background '#ffffff'
}
set output out.'.'.fmt
set title title noenhanced font ',9'
set datafile separator "\t"
set datafile missing "-"
set logscale y
set format y '10^{%T}'
set format x '%.1s%c'
set xlabel 'requests per second achieved'
set ylabel 'p99 request latency, ns (log scale)'
set grid xtics ytics mytics
set key outside right top noenhanced font ',9'
set tmargin 5
n = words(titles)
plot for [i=1:n] data index (i - 1) using 1:2 with linespoints lw 1.5 \
     pt 1 + (i - 1) % 13 ps 0.8 dt 1 + (i - 1) / 8 title word(titles, i)
