# mux_wakeup.gp - wakeup latency against the number of registered fds,
# log-log, one line per mechanism/variant: the same drawing as mux_scan.gp
# (same inputs; the title says what one sample is), loaded from beside this
# script.  A loaded script sees no arguments: they are read here.
data = ARG1
out = ARG2
fmt = ARG3
title = ARG4
titles = ARG5
ylabel = ARG6
load ARG0[1:strstrt(ARG0, 'mux_wakeup.gp') - 1].'mux_scan.gp'
