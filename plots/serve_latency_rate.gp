# serve_latency_rate.gp - the latency-throughput curve: p50 and p99 request
# latency against the offered rate, one line pair per mechanism/variant
# (solid p50, dashed p99, the same colour), each point the median over
# repetitions with its interval as error bars.  A point whose achieved rate
# fell below 95% of the offered one is ringed and labelled "achieved X":
# there the server (or the load generator) no longer kept up, and the
# latency is a growing queue's.
# Arguments (gnuplot -c script ARG1 ...; string values, never parsed as
# gnuplot code):
#   data, out, fmt ('svg'|'png'), title, titles (labels, space-separated, in
#   the order of the data's blocks).
# Data: one block per label (gnuplot index i-1), one line per offered rate:
# offered req/s, p50, p50 lo, p50 hi, p99, p99 lo, p99 hi (ns), achieved
# req/s, behind (1 when achieved < 95% of offered, else 0), and the label
# text ("achieved 310k/s"); '-' where a value is missing.
data = ARG1
out = ARG2
fmt = ARG3
title = ARG4
titles = ARG5
if (fmt eq 'svg') {
    set terminal svg size 960,600 dynamic enhanced font 'Sans,11' background '#ffffff'
} else {
    set terminal pngcairo size 960,600 enhanced font 'Sans,10' background '#ffffff'
}
set output out.'.'.fmt
set title title noenhanced font ',9'
set datafile separator "\t"
set datafile missing "-"
set logscale xy
set format y '10^{%T}'
set format x '%.0s%c'
set xlabel 'requests per second offered (log scale)'
set ylabel 'request latency from its due time, ns (log scale)'
set grid xtics ytics mytics
set key inside left top noenhanced font ',9' box opaque
set tmargin 5
set rmargin 8
set offsets 0, graph 0.12, graph 0.25, 0
set bars small
n = words(titles)
behind(b, v) = (b > 0) ? v : NaN
plot for [i=1:n] data index (i - 1) using 1:2:3:4 with yerrorlines lc i lw 1.5 pt 7 ps 0.6 \
         dt 1 title word(titles, i).' p50', \
     for [i=1:n] data index (i - 1) using 1:5:6:7 with yerrorlines lc i lw 1.5 pt 5 ps 0.6 \
         dt 2 title word(titles, i).' p99', \
     for [i=1:n] data index (i - 1) using 1:(behind($9, $5)) with points lc i pt 6 ps 2.2 \
         notitle, \
     for [i=1:n] data index (i - 1) using 1:(behind($9, $5)):10 with labels tc lt i \
         left rotate by 25 offset 1,0.6 font ',7' noenhanced notitle, \
     NaN with points lc rgb '#000000' pt 6 ps 2.2 title 'achieved < 95% of offered'
