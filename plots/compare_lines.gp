# compare_lines.gp - an N-way comparison of one family: one line per
# mechanism across the runs, the geometric mean of its cells' cost ratios
# to run 1 (time per op; ops/s inverted: above 1 is slower).
# Arguments (gnuplot -c script ARG1 ...; string values, never parsed as
# gnuplot code):
#   data, out, fmt ('svg'|'png'), rows (mechanisms), runs ('1:name ...'),
#   mechs (their names).
# Data: one block per mechanism (two blank lines between): run, cost ratio.
data = ARG1
out = ARG2
fmt = ARG3
rows = ARG4 + 0
runs = ARG5
mechs = ARG6
if (fmt eq 'svg') {
    set terminal svg size 900,520 dynamic enhanced font 'Sans,11' background '#ffffff'
} else {
    set terminal pngcairo size 900,520 enhanced font 'Sans,10' background '#ffffff'
}
set output out.'.'.fmt
set datafile separator "\t"
set datafile missing '-'
set title 'cost ratio to run 1 per mechanism (geometric mean over its cells)' noenhanced
set xrange [0.7:words(runs) + 0.3]
set xtics () noenhanced rotate by -30
do for [i=1:words(runs)] { set xtics add (word(runs, i) i) }
set logscale y 2
set ytics (0.5, 0.71, 0.84, 0.92, 1, 1.09, 1.19, 1.41, 2, 4)
set ylabel 'run / run 1, time per op (log scale)'
set key outside right noenhanced
set grid ytics
plot for [i=0:rows-1] data index i using 1:2 with linespoints pt 7 title word(mechs, i + 1)
