# timer_cdf.gp - the lateness distribution of each mechanism at a 1 ms
# period, as a CDF from the merged histograms of all repetitions (bucket
# upper bounds, <= 1% wide).  One sample = the clock right after the wait
# returned - the absolute deadline.  Left: the inherited (default) timer
# slack; right: 1 ns slack -- sleeps and poll-family timeouts move left,
# timerfd, POSIX timers and io_uring timeouts (no slack) do not; a timeout
# rounded to whole ms spreads over the whole period.  SCHED_OTHER, waiter
# pinned, no load.
# Arguments (gnuplot -c script ARG1 ...; string values, never parsed as
# gnuplot code):
#   data (default slack), out, fmt ('svg'|'png'), data2 (1 ns slack, '' when
#   not run), n1, n2 (blocks in each).
# Data: one block per mechanism, separated by two blank lines: a header
# line with the quoted label, then lateness_us <tab> fraction of samples <= it.
data = ARG1
out = ARG2
fmt = ARG3
data2 = ARGC >= 4 ? ARG4 : ''
n1 = ARGC >= 5 ? ARG5 + 0 : 0
n2 = ARGC >= 6 && data2 ne '' ? ARG6 + 0 : 0
if (fmt eq 'svg') {
    set terminal svg size 1300,620 dynamic enhanced font 'Sans,11' background '#ffffff'
} else {
    set terminal pngcairo size 1300,620 enhanced font 'Sans,10' background '#ffffff'
}
set output out.'.'.fmt
set datafile separator "\t"
set logscale x
set format x '%g'
set xrange [1:*]
set yrange [0:1.0]
set ytics 0.1
set grid xtics mxtics ytics lc rgb '#dddddd'
set xlabel 'lateness (us, log scale)'
set ylabel 'fraction of samples <= lateness'
set arrow 1 from first 1000, graph 0 to first 1000, graph 1 nohead dt 2 lc rgb '#555555' front
set arrow 2 from graph 0, first 0.99 to graph 1, first 0.99 nohead dt 3 lc rgb '#999999'
set arrow 3 from graph 0, first 0.5 to graph 1, first 0.5 nohead dt 3 lc rgb '#999999'
set label 1 '1 period' at first 1000, graph 0.97 offset 0.5,0 font ',9' tc rgb '#555555'
# Paul Tol's muted palette plus black; the dash pattern changes after ten
set style line 1 lc rgb '#332288' lw 2
set style line 2 lc rgb '#88ccee' lw 2
set style line 3 lc rgb '#44aa99' lw 2
set style line 4 lc rgb '#117733' lw 2
set style line 5 lc rgb '#999933' lw 2
set style line 6 lc rgb '#ddcc77' lw 2
set style line 7 lc rgb '#cc6677' lw 2
set style line 8 lc rgb '#882255' lw 2
set style line 9 lc rgb '#aa4499' lw 2
set style line 10 lc rgb '#000000' lw 2
set style increment user
ls_of(i) = i % 10 + 1
dt_of(i) = int(i / 10) % 3 + 1
set multiplot layout 1,(n2 > 0 ? 2 : 1) title "timer lateness CDF at a 1 ms period (one sample = clock after the wait returned - the absolute deadline; SCHED_OTHER, all repetitions merged)" noenhanced
set key top left font ',8' spacing 0.9 noenhanced
set title 'inherited (default) timer slack' noenhanced
plot for [i=0:n1-1] data index i using 1:2 with steps ls ls_of(i) dt dt_of(i) title columnheader(1)
if (n2 > 0) {
    set title '1 ns timer slack' noenhanced
    plot for [i=0:n2-1] data2 index i using 1:2 with steps ls ls_of(i) dt dt_of(i) title columnheader(1)
}
unset multiplot
