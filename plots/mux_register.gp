# mux_register.gp - what registering an fd costs, against how many are
# registered: time per fd to add and remove, and memory per registered fd
# (user space RSS, kernel slab), one line per mechanism/variant.
# Arguments (gnuplot -c script ARG1 ...; string values, never parsed as
# gnuplot code):
#   data, out, fmt ('svg'|'png'), title, titles (labels with columns,
#   space-separated, in order).
# Data: nfds, then per label ns per fd (mean), RSS bytes per fd, slab bytes
# per fd ('-' where missing; select/poll keep no kernel state: slab 0).
data = ARG1
out = ARG2
fmt = ARG3
title = ARG4
titles = ARG5
if (fmt eq 'svg') {
    set terminal svg size 900,900 dynamic enhanced font 'Sans,11' background '#ffffff'
} else {
    set terminal pngcairo size 900,900 enhanced font 'Sans,10' background '#ffffff'
}
set output out.'.'.fmt
set datafile separator "\t"
set datafile missing "-"
set lmargin at screen 0.10
set rmargin at screen 0.76
n = words(titles)
set multiplot layout 3,1 title title noenhanced font ',9'
# A half-decade of margin: one nfds alone (smoke) is still a valid range.
stats data using 1 nooutput
set logscale x
set xrange [STATS_min / 2 : STATS_max * 2]
set format x ''
set grid xtics ytics
set key outside right top noenhanced font ',9'
set logscale y
set ylabel 'add + remove, ns per fd (log)'
plot for [i=1:n] data using 1:(column(3*i-1)) \
     with linespoints lw 1.5 pt 1 + (i - 1) % 13 ps 0.8 dt 1 + (i - 1) / 8 \
     title word(titles, i)
unset logscale y
set ylabel 'RSS growth, bytes per fd'
unset key
# The invisible zero line keeps a panel drawable when no cell has a value
# (RSS below 1,000 fds, slab without /proc/slabinfo).
plot for [i=1:n] data using 1:(column(3*i)) \
     with linespoints lw 1.5 pt 1 + (i - 1) % 13 ps 0.8 dt 1 + (i - 1) / 8 \
     title word(titles, i), 0 lt -2 notitle
set ylabel 'kernel slab growth, bytes per fd'
set xlabel 'registered fds (log scale)'
set format x '10^{%T}'
plot for [i=1:n] data using 1:(column(3*i+1)) \
     with linespoints lw 1.5 pt 1 + (i - 1) % 13 ps 0.8 dt 1 + (i - 1) / 8 \
     title word(titles, i), 0 lt -2 notitle
unset multiplot
