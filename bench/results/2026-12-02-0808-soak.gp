# Renders 2026-12-02-0808-soak.png from 2026-12-02-0808-soak.csv: gnuplot 2026-12-02-0808-soak.gp (run in this directory)
set datafile separator ','
set terminal pngcairo size 1200,1100 font 'sans,10'
set output '2026-12-02-0808-soak.png'
set key top left horizontal
set grid
set xlabel 'minutes'
set xrange [0:*]
set offsets 0, 0, graph 0.2, 0
set arrow from 5, graph 0 to 5, graph 1 nohead dashtype 2 lc rgb 'gray'
set multiplot layout 3,1 title 'EnvoyTraceFilter soak 2026-12-02-0808-soak: 1000 req/s mixed traffic, Zipkin + X-Ray on (dashed: end of warm-up)'
set ylabel 'MiB'
set yrange [0:*]
plot '2026-12-02-0808-soak.csv' skip 1 using ($1/60):2 with linespoints pt 7 ps 0.4 title 'RSS', \
     '' skip 1 using ($1/60):4 with linespoints pt 7 ps 0.4 title 'GC committed', \
     '' skip 1 using ($1/60):3 with linespoints pt 7 ps 0.4 title 'GC heap (after last GC)'
set ylabel 'threads'
set y2label 'open fds'
set y2range [0:*]
set y2tics
set ytics nomirror
plot '2026-12-02-0808-soak.csv' skip 1 using ($1/60):5 with linespoints pt 7 ps 0.4 title 'threads', \
     '' skip 1 using ($1/60):6 with linespoints pt 7 ps 0.4 title 'thread-pool threads', \
     '' skip 1 using ($1/60):7 axes x1y2 with linespoints pt 7 ps 0.4 title 'open fds (right axis)'
unset y2label
unset y2tics
set ytics mirror
set ylabel 'requests/s'
plot '2026-12-02-0808-soak.csv' skip 1 using ($1/60):13 with linespoints pt 7 ps 0.4 title 'streams served per second'
unset multiplot
