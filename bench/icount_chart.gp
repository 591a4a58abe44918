# SPDX-License-Identifier: GPL-2.0
# Chart of an instruction-counted run: per workload, veth_rs/veth of the
# instructions per unit and of the guest ns per unit (medians of the
# runs), with the line of parity (1.0; below = veth_rs does less work).
# Called by bench/icount_report.py:
#   gnuplot -e "datafile='X.dat'; outfile='X.png'; charttitle='...'" bench/icount_chart.gp
# Columns of the data file: label, instruction ratio, guest ns ratio
# (NaN where missing).

set terminal pngcairo size 1200,640 font "DejaVu Sans,11" noenhanced
set output outfile
set title charttitle font ",12"
set ylabel "veth_rs / veth, work per unit (<1 = veth_rs does less)"
set style data histogram
set style histogram clustered gap 1.5
set style fill solid 0.85 border rgb "#333333"
set boxwidth 0.9
set yrange [0:*]
set grid ytics lc rgb "#dddddd"
set xtics nomirror scale 0 font ",10" rotate by 25 right
set key outside top center horizontal
set datafile missing "NaN"
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lc rgb "#2a7a2a" lw 2 front
set bmargin 9
set lmargin 12
plot datafile using 2:xtic(1) title "instructions (plugin)" lc rgb "#d9822b", \
	'' using 3 title "guest ns (-icount shift=0)" lc rgb "#4a78b5", \
	'' using ($0 - 0.5/3.5):2:(sprintf("%.3f", $2)) with labels offset 0, 0.7 font ",8" notitle
