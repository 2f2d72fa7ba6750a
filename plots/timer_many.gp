# timer_many.gp - what many timers in one epoll set cost each of them:
# timerfd-epoll with N periodic timerfds whose phases are spread evenly over
# the 1 ms period, one epoll set.  One sample = the clock after epoll_wait()
# and the reads of the ready timerfds - that timer's own deadline; the
# median over repetitions of each run's p50 and max, and the p99 of every
# ok sample of the cell pooled over its repetitions.  SCHED_OTHER, default slack, waiter pinned.
# Arguments (gnuplot -c script ARG1 ...; string values, never parsed as
# gnuplot code):
#   data, out, fmt ('svg'|'png').
# Data: timers, p50, p99, max (us), overruns.
data = ARG1
out = ARG2
fmt = ARG3
if (fmt eq 'svg') {
    set terminal svg size 900,560 dynamic enhanced font 'Sans,11' background '#ffffff'
} else {
    set terminal pngcairo size 900,560 enhanced font 'Sans,10' background '#ffffff'
}
set output out.'.'.fmt
set datafile separator "\t"
set datafile missing "-"
set logscale x 2
set logscale y
set format y '%g'
set xlabel 'timerfds in one epoll set (phases spread over the 1 ms period)'
set ylabel 'lateness (us, log scale)'
set grid xtics ytics mytics lc rgb '#dddddd'
set key top left
set offsets graph 0.05, graph 0.05, 0, 0
set title "timerfd-epoll at a 1 ms period: one sample = clock after epoll_wait + read - that timer's deadline\np50 and max: medians over repetitions; p99: every ok sample pooled" noenhanced
plot data using 1:2 with linespoints pt 7 lw 2 lc rgb '#4477aa' title 'p50', \
     ''   using 1:3 with linespoints pt 5 lw 2 lc rgb '#ee6677' title 'p99', \
     ''   using 1:4 with linespoints pt 9 dt 2 lc rgb '#555555' title 'max'
