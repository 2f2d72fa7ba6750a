# timer_lateness.gp - how late each way of waking up on time wakes up, at a
# 1 ms period.  One sample = the clock right after the wait returned - the
# absolute deadline it waited for (t0 + k * 1 ms).  Per mechanism/variant
# three bars: SCHED_OTHER with the inherited (default) timer slack,
# SCHED_OTHER with 1 ns slack, SCHED_FIFO; bar = median over repetitions of
# the run's p50, whisker up to the pooled p99, triangle at the median max.
# The dashed line is one period: a wakeup later than that is an overrun.
# Arguments (gnuplot -c script ARG1 ...; string values, never parsed as
# gnuplot code):
#   data, out, fmt ('svg'|'png'), has_slack1 and has_fifo (0 when no cell of
#   that group was measured; default 1).
# Data (tab-separated, us, '-' = not measured): label, then p50 p99 max for
# other/default, other/1 ns, fifo.
data = ARG1
out = ARG2
fmt = ARG3
has_slack1 = ARGC >= 4 ? ARG4 + 0 : 1
has_fifo = ARGC >= 5 ? ARG5 + 0 : 1
if (fmt eq 'svg') {
    set terminal svg size 1200,620 dynamic enhanced font 'Sans,11' background '#ffffff'
} else {
    set terminal pngcairo size 1200,620 enhanced font 'Sans,10' background '#ffffff'
}
set output out.'.'.fmt
set datafile separator "\t"
set datafile missing "-"
stats data using 0 nooutput
N = STATS_records
set xrange [-0.6:N - 0.4]
set logscale y
set yrange [1:*]
set format y '%g'
set ylabel 'lateness (us, log scale)'
set grid ytics mytics lc rgb '#dddddd'
set xtics rotate by -35 scale 0 font ',9' noenhanced
set bmargin 9
set key at screen 0.5, screen 0.02 center bottom horizontal maxrows 1 font ',9' width 1 samplen 2
set tmargin 4
set title "timer lateness at a 1 ms period: one sample = clock after the wait returned - the absolute deadline\nbar = p50, whisker = p99 of every ok sample, triangle = max (p50, max: medians over repetitions); OTHER, FIFO = the waiter's SCHED_ policy" noenhanced
set arrow from graph 0, first 1000 to graph 1, first 1000 nohead dt 2 lc rgb '#555555' front
set label 'one period (1 ms): later = overrun' at graph 0.01, first 1150 font ',9' tc rgb '#555555'
set style fill solid 0.85 border -1
W = 0.26
set boxwidth W
C1 = '#4477aa'; C2 = '#ee6677'; C3 = '#228833'
# has_slack1, has_fifo: the groups that were measured (the others would only
# draw warnings)
BAR = "with boxes lc rgb "
WHISKER = "with vectors nohead lw 1.5 lc rgb '#222222'"
MAX = "with points pt 9 ps 1 lc rgb '#222222'"
cmd = "plot data using ($0 - W):2 ".BAR."C1 title 'OTHER, default slack'"
if (has_slack1) cmd = cmd.", '' using ($0):5 ".BAR."C2 title 'OTHER, 1 ns slack'"
if (has_fifo) cmd = cmd.", '' using ($0 + W):8 ".BAR."C3 title 'FIFO 80 (no slack)'"
cmd = cmd.", '' using ($0 - W):2:(0):($3 - $2) ".WHISKER." title 'p99'"
if (has_slack1) cmd = cmd.", '' using ($0):5:(0):($6 - $5) ".WHISKER." notitle"
if (has_fifo) cmd = cmd.", '' using ($0 + W):8:(0):($9 - $8) ".WHISKER." notitle"
cmd = cmd.", '' using ($0 - W):4 ".MAX." title 'max'"
if (has_slack1) cmd = cmd.", '' using ($0):7 ".MAX." notitle"
if (has_fifo) cmd = cmd.", '' using ($0 + W):10 ".MAX." notitle"
cmd = cmd.", '' using 0:(NaN):xtic(1) notitle"
eval cmd
