# serve_connections.gp - request latency against connections, one bar per
# mechanism/variant in each connections group: p50, whisker up to p99.
# Arguments (gnuplot -c script ARG1 ...; string values, never parsed as
# gnuplot code):
#   data, out, fmt ('svg'|'png'), title (says what one sample is), titles
#   (labels with columns, space-separated, in order).
# Data: connections, then per label the median p50 and the pooled p99 in ns
# ('-' where the cell was skipped or not ok).
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
set style data histograms
set style histogram errorbars gap 1 lw 1
set style fill solid 0.6 border -1
set logscale y
set format y '10^{%T}'
set xlabel 'connections (10% of them active)'
set ylabel 'request latency, ns (log scale)'
set grid ytics mytics
set key outside right top noenhanced font ',9'
set tmargin 5
n = words(titles)
top(p50, p99) = valid(p99) ? column(p99) : column(p50)
plot for [i=1:n] data using (column(2*i)):(column(2*i)):(top(2*i, 2*i+1)):xtic(1) \
     title word(titles, i)
