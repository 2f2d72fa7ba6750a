# serve_uring_epoll.gp - io_uring against epoll in a closed loop: requests
# per second (top) and the server's CPU per request (bottom), one group per
# mechanism/variant, a bar for 64 B and one for 4 KiB messages.
# Arguments (gnuplot -c script ARG1 ...; string values, never parsed as
# gnuplot code):
#   data, out, fmt ('svg'|'png'), title, titles (unused: the groups are the
#   data's first column).
# Data: label, req/s at 64 B and 4 KiB, server CPU ns per request at 64 B
# and 4 KiB ('-' where the cell was skipped or not ok).
data = ARG1
out = ARG2
fmt = ARG3
title = ARG4
if (fmt eq 'svg') {
    set terminal svg size 900,760 dynamic enhanced font 'Sans,11' background '#ffffff'
} else {
    set terminal pngcairo size 900,760 enhanced font 'Sans,10' background '#ffffff'
}
set output out.'.'.fmt
set datafile separator "\t"
set datafile missing "-"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.6 border -1
set grid ytics
set key outside right top noenhanced font ',9'
set xtics noenhanced
set multiplot layout 2,1 title title noenhanced font ',9'
set ylabel 'requests per second'
set format y '%.1s%c'
plot data using 2:xtic(1) title '64 B', '' using 3 title '4 KiB'
set ylabel 'server CPU per request, ns'
set format y '%g'
plot data using 4:xtic(1) title '64 B', '' using 5 title '4 KiB'
unset multiplot
