# mux_scan.gp - per-call cost against the number of registered fds, log-log,
# one line per mechanism/variant: the O(n) of select/poll against the O(1)
# of epoll and io_uring.  Also drawn by mux_wakeup.gp for wakeup latency.
# Arguments (gnuplot -c script ARG1 ...; string values, never parsed as
# gnuplot code):
#   data, out, fmt ('svg'|'png'), title (says what one sample is), titles
#   (labels with columns, space-separated, in order), ylabel.
# Data: nfds, then per label the median p50 and pooled p99 in ns ('-' where
# the cell was skipped or not ok; a p99 alone is '-' where the runs had too
# few samples for it: the point stays, without a whisker).  A label ending
# in '*' re-arms or drains inside the timed call (the title says so).
# (loaded from mux_wakeup.gp it sees no arguments: that script read them)
if (ARGC >= 3) {
    data = ARG1
    out = ARG2
    fmt = ARG3
    title = ARG4
    titles = ARG5
    ylabel = ARG6
}
if (fmt eq 'svg') {
    set terminal svg size 900,560 dynamic enhanced font 'Sans,11' background '#ffffff'
} else {
    set terminal pngcairo size 900,560 enhanced font 'Sans,10' background '#ffffff'
}
set output out.'.'.fmt
set title title noenhanced font ',9'
set datafile separator "\t"
set datafile missing "-"
# A half-decade of margin: one nfds alone (smoke) is still a valid range.
stats data using 1 nooutput
set logscale xy
set xrange [STATS_min / 2 : STATS_max * 2]
set format x '10^{%T}'
set format y '10^{%T}'
set xlabel 'registered fds (log scale)'
set ylabel ylabel
set grid xtics ytics mytics
set key outside right top noenhanced font ',9'
set bars small
set tmargin 5
n = words(titles)
top(p50, p99) = valid(p99) ? column(p99) : column(p50)
plot for [i=1:n] data using 1:(column(2*i)):(column(2*i)):(top(2*i, 2*i+1)) \
     with yerrorlines lw 1.5 pt 1 + (i - 1) % 13 ps 0.8 dt 1 + (i - 1) / 8 \
     title word(titles, i)
