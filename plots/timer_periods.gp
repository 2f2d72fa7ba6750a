# timer_periods.gp - lateness and missed deadlines against the period, for
# the mechanisms measured at 100 us, 1 ms and 10 ms.  One sample = the clock
# right after the wait returned - the absolute deadline.  Top: median over
# repetitions of the p50 (solid) and p99 (dashed); the grey line is one
# period (a wakeup later than that is an overrun).  Bottom: overruns, as a
# share of the deadlines in the run: a timeout rounded up to whole ms
# cannot keep a 100 us period; a relative sleep of one period drifts and
# misses one deadline every period/(cost of one cycle) cycles.
# SCHED_OTHER, default slack, waiter pinned, no load.
# Arguments (gnuplot -c script ARG1 ...; string values, never parsed as
# gnuplot code):
#   data, out, fmt ('svg'|'png'), n (blocks).
# Data: one block per mechanism (two blank lines apart): a header line with
# the quoted label, then period_us, p50_us, p99_us, overruns_pct.
data = ARG1
out = ARG2
fmt = ARG3
n = ARG4 + 0
if (fmt eq 'svg') {
    set terminal svg size 1000,800 dynamic enhanced font 'Sans,11' background '#ffffff'
} else {
    set terminal pngcairo size 1000,800 enhanced font 'Sans,10' background '#ffffff'
}
set output out.'.'.fmt
set datafile separator "\t"
set datafile missing "-"
set style line 1 lc rgb '#4477aa' lw 2 pt 7
set style line 2 lc rgb '#ee6677' lw 2 pt 5
set style line 3 lc rgb '#228833' lw 2 pt 9
set style line 4 lc rgb '#ccbb44' lw 2 pt 11
set style line 5 lc rgb '#66ccee' lw 2 pt 13
set style line 6 lc rgb '#aa3377' lw 2 pt 7
set style line 7 lc rgb '#222222' lw 2 pt 5
set style line 8 lc rgb '#ee7733' lw 2 pt 9
ls_of(i) = i % 8 + 1
set logscale x
set xrange [70:14000]
set xtics ('100 us' 100, '1 ms' 1000, '10 ms' 10000)
set grid xtics ytics mytics lc rgb '#dddddd'
set key outside right top font ',9' noenhanced
set lmargin at screen 0.09
set rmargin at screen 0.75
set multiplot layout 2,1 title "timer lateness vs period (one sample = clock after the wait returned - the absolute deadline; medians over repetitions)" noenhanced
set title 'lateness: p50 solid, p99 dashed' noenhanced
set logscale y
set format y '%g'
set ylabel 'lateness (us, log scale)'
set format x ''
plot x with lines lc rgb '#aaaaaa' dt 2 title 'one period', \
     for [i=0:n-1] data index i using 1:2 with linespoints ls ls_of(i) title columnheader(1), \
     for [i=0:n-1] data index i using 1:3 with lines ls ls_of(i) dt 2 notitle
set title 'overruns: deadlines skipped because the wakeup came more than a period late' noenhanced
unset logscale y
set yrange [0:100]
set ylabel '% of deadlines'
set format x '%g'
set xlabel 'period'
plot for [i=0:n-1] data index i using 1:4 with linespoints ls ls_of(i) title columnheader(1)
unset multiplot
