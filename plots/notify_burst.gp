# notify_burst.gp - what a receiver gets when a sender fires as fast as it can.
# Top: delivered as a share of sent (standard signals merge while pending);
# bottom: delivered notifications per second.  Median over repetitions;
# one cluster per mechanism/variant, one bar per ipc x placement.
# Arguments (gnuplot -c script ARG1 ...; string values, never parsed as
# gnuplot code):
#   data, out, fmt ('svg'|'png').
data = ARG1
out = ARG2
fmt = ARG3
if (fmt eq 'svg') {
    set terminal svg size 1200,900 dynamic enhanced font 'Sans,11' background '#ffffff'
} else {
    set terminal pngcairo size 1200,900 enhanced font 'Sans,10' background '#ffffff'
}
set output out.'.'.fmt
set datafile separator "\t"
set datafile missing "-"
stats data using 0 nooutput
set xrange [-0.6:STATS_records - 0.4]
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.95
set grid ytics
set key outside right top vertical font ',9'
set lmargin at screen 0.07
set rmargin at screen 0.84
set multiplot layout 2,1 title "notify burst: sender sends N notifications back to back, receiver counts what arrives" noenhanced
set title 'delivered / sent (%)' noenhanced
set yrange [0:105]
set xtics format '' scale 0
set bmargin 1
plot data using 2 title 'thread same-cpu' lc rgb '#4477aa', \
     '' using 4 title 'thread cross-cpu' lc rgb '#66ccee', \
     '' using 6 title 'thread free' lc rgb '#228833', \
     '' using 8 title 'process same-cpu' lc rgb '#ccbb44', \
     '' using 10 title 'process cross-cpu' lc rgb '#ee6677', \
     '' using 12 title 'process free' lc rgb '#aa3377'
set title 'delivered per second (log scale)' noenhanced
set logscale y
set yrange [*:*]
set xtics rotate by -35 scale 0 font ',9' noenhanced format '%g'
set bmargin 7
plot data using 3:xtic(1) notitle lc rgb '#4477aa', \
     '' using 5 notitle lc rgb '#66ccee', \
     '' using 7 notitle lc rgb '#228833', \
     '' using 9 notitle lc rgb '#ccbb44', \
     '' using 11 notitle lc rgb '#ee6677', \
     '' using 13 notitle lc rgb '#aa3377'
unset multiplot
