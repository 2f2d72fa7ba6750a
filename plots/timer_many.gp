# timer_many.gp - what many timers in one epoll set cost each of them:
# timerfd-epoll with N periodic timerfds whose phases are spread evenly over
# the 1 ms period, one epoll set.  One sample = the clock after epoll_wait()
# and the reads of the ready timerfds - that timer's own deadline; the
# median over repetitions of each run's p50 and p99 (with the p99's
# confidence interval) and max.  SCHED_OTHER, default slack, waiter pinned.
# Inputs (-e): data, out, fmt ('svg'|'png').
# Data: timers, p50, p99, p99_ci_lo, p99_ci_hi, max (us), overruns.
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
set title "timerfd-epoll at a 1 ms period: one sample = clock after epoll_wait + read - that timer's deadline\nmedians over repetitions; error bar = confidence interval of the p99 median (coverage: summary.csv ci_level)" noenhanced
plot data using 1:2 with linespoints pt 7 lw 2 lc rgb '#4477aa' title 'p50', \
     ''   using 1:3:4:5 with yerrorbars pt 5 lc rgb '#ee6677' notitle, \
     ''   using 1:3 with lines lw 2 lc rgb '#ee6677' title 'p99', \
     ''   using 1:6 with linespoints pt 9 dt 2 lc rgb '#555555' title 'max'
