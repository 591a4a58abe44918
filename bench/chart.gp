# SPDX-License-Identifier: GPL-2.0
# Chart of a benchmark run: per metric, veth_rs/C and netkit/C with their
# 95% confidence intervals, and the lines of parity (1.0) and of the goal
# (0.95). Called by bench/report.py:
#   gnuplot -e "datafile='X.dat'; outfile='X.png'; charttitle='...'; runs=5" bench/chart.gp
# Columns of the data file: label, veth_rs ratio, low, high, netkit ratio,
# low, high (NaN where a driver has no value), 1 where veth_rs was skipped.

set terminal pngcairo size 1200,640 font "DejaVu Sans,11" noenhanced
set output outfile
set title charttitle font ",12"
set ylabel "ratio to C veth (median of runs; >1 = better than C)"
set style data histogram
set style histogram errorbars gap 1.5 lw 1.5
set style fill solid 0.85 border rgb "#333333"
set boxwidth 0.9
set yrange [0:*]
set grid ytics lc rgb "#dddddd"
set xtics nomirror scale 0 font ",10" rotate by 25 right
set key outside top center horizontal
set datafile missing "NaN"
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lc rgb "#2a7a2a" lw 2 front
set arrow 2 from graph 0, first 0.95 to graph 1, first 0.95 nohead lc rgb "#b03030" dt 2 lw 1.5 front
set label 1 "goal 0.95" at graph 1, first 0.95 right offset -0.5, -0.8 tc rgb "#b03030" front
set label 2 sprintf("%d runs per driver after a warm-up, one boot; error bars: 95%% bootstrap CI", runs) \
	at screen 0.5, screen 0.03 center font ",9"
set bmargin 9
set lmargin 12

# Bar centres of a two-column clustered histogram (gap 1.5): cluster i spans
# 3.5 box widths, the bars sit at i -/+ 0.5/3.5.
plot datafile using 2:3:4:xtic(1) title "veth_rs / C" lc rgb "#d9822b", \
	'' using 5:6:7 title "netkit / C (reference)" lc rgb "#4a78b5", \
	'' using ($0 - 0.5/3.5):($2 == $2 ? $4 : 1/0):(sprintf("%.2f", $2)) with labels offset 0, 0.7 font ",9" notitle, \
	'' using ($0 + 0.5/3.5):($5 == $5 ? $7 : 1/0):(sprintf("%.2f", $5)) with labels offset 0, 0.7 font ",9" notitle, \
	'' using ($0 - 0.5/3.5):($8 > 0 ? 0.05 : 1/0):("SKIP") with labels rotate by 90 left font ",9" tc rgb "#d9822b" notitle
