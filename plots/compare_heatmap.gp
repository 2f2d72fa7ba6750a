# compare_heatmap.gp - an N-way comparison of one family: one row per cell,
# one column per run (2..n), coloured by log2 of the cost ratio to the
# baseline (time per op; ops/s inverted): red slower, blue faster, white
# unchanged; an empty square: the cell is missing from that run or the
# baseline.
# Arguments (gnuplot -c script ARG1 ...; string values, never parsed as
# gnuplot code):
#   data, out, fmt ('svg'|'png'), rows (cells), runs ('1:name ...'), mechs
#   (unused), label_chars (the longest row label, for the left margin).
# Data: row, run, log2_cost_ratio ('-' when none), label, could_not_tell
# (1: the cell's detectable ratio is above 1.2x or none: a ring marks it).
# The run names are long (a run directory's: time, host or kernel): they
# stand under their columns at an angle, and the margins grow with them.
data = ARG1
out = ARG2
fmt = ARG3
rows = ARG4 + 0
runs = ARG5
label_chars = ARG7 + 0
run_chars = 0
do for [i=2:words(runs)] { run_chars = strlen(word(runs, i)) > run_chars ? strlen(word(runs, i)) : run_chars }
cols = words(runs) - 1
h = 140 + 14 * rows + 4 * run_chars
w = 300 + 7 * label_chars + (cols < 3 ? 3 : cols) * 90
if (fmt eq 'svg') {
    set terminal svg size w,h dynamic enhanced font 'Sans,11' background '#ffffff'
} else {
    set terminal pngcairo size w,h enhanced font 'Sans,10' background '#ffffff'
}
set output out.'.'.fmt
set datafile separator "\t"
set datafile missing '-'
set title 'cost ratio to run 1 (log2; red: slower, blue: faster)' noenhanced
set yrange [rows - 0.5:-0.5]
set xrange [1.5:words(runs) + 0.5]
set ytics font ',8' noenhanced scale 0
set xtics () noenhanced scale 0 rotate by -30 font ',8'
do for [i=2:words(runs)] { set xtics add (word(runs, i) i) }
set lmargin label_chars * 0.8 + 2
set bmargin run_chars * 0.25 + 2
set rmargin 14
set cbrange [-1:1]
set cblabel 'log2(run / run 1), time per op'
set palette defined (-1 '#2166ac', 0 '#f7f7f7', 1 '#b2182b')
set key bmargin left horizontal noenhanced font ',8'
plot data using 2:1:(0.5):(0.5):3:ytic(4) with boxxy fs solid 1.0 noborder fc palette notitle, \
     '' using 2:($5 > 0 ? $1 : NaN) with points pt 6 ps 0.7 lc rgb '#333333' \
        title 'ring: this comparison could not have shown a 1.2x change in the cell'
