# Plots of bench/run: throughput and p99 per concurrency for both exchanges (of several runs: the median, min-max bars).
#   gnuplot -e "data='bench/results/plot-data.tsv'; outdir='bench/results'; subtitle='...'" bench/plot.gp
# Columns of the data file (RepeatReport.plotData): conc, then for obo and builtin: req/s median/min/max, p99 median/min/max.
if (!exists("data")) data = 'bench/results/plot-data.tsv'
if (!exists("outdir")) outdir = 'bench/results'
if (!exists("subtitle")) subtitle = ''

set terminal pngcairo size 900,540 font ",11"
set datafile separator "\t"
set key top left box opaque
set grid ytics
set logscale x 2
set xtics (1, 2, 4, 8, 16, 32, 64)
set xlabel "concurrent clients"
set autoscale xfix
set offsets graph 0.06, graph 0.06, 0, 0
set style line 1 lc rgb "#1f77b4" lw 2 pt 7 ps 1.2
set style line 2 lc rgb "#d62728" lw 2 pt 5 ps 1.2

set output outdir.'/throughput.png'
set title "Exchanges per second\n".subtitle
set ylabel "exchanges / s"
set yrange [0:*]
plot data using ($1*0.97):2:3:4 with yerrorlines ls 1 title "OBO exchange", \
     data using ($1*1.03):8:9:10 with yerrorlines ls 2 title "built-in standard exchange"

set output outdir.'/p99.png'
set title "p99 latency (client side)\n".subtitle
set ylabel "p99 ms"
set yrange [0:*]
plot data using ($1*0.97):5:6:7 with yerrorlines ls 1 title "OBO exchange", \
     data using ($1*1.03):11:12:13 with yerrorlines ls 2 title "built-in standard exchange"
