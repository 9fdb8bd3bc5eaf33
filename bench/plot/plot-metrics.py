#!/usr/bin/env python3
"""Turns samples scraped from the gateway's /actuator/prometheus during a bench run into rates, then
plots them with gnuplot (Debian's gnuplot-nox). Usage: plot-metrics.py samples.csv out.png

The samples are what bench/plot/scrape-metrics.py writes: one row every ~2 s, counters as totals."""
import csv
import subprocess
import sys
import tempfile

samples, png = sys.argv[1], sys.argv[2]
rows = [dict((k, float(v)) for k, v in row.items()) for row in csv.DictReader(open(samples))]
derived = tempfile.NamedTemporaryFile('w', suffix='.dat', delete=False)
for previous, row in zip(rows, rows[1:]):
    dt = row['t'] - previous['t']
    if dt <= 0:
        continue

    def rate(name):
        # A new gateway process per scenario resets the counters: no negative rates.
        return max(0.0, (row[name] - previous[name]) / dt)

    def mean_ms(total, count):
        n = row[count] - previous[count]
        return (row[total] - previous[total]) / n * 1000 if n > 0 else float('nan')

    derived.write(' '.join(str(v) for v in (
        row['t'], row['active'], row['subscribers'], rate('token_events'), rate('completed_done'),
        rate('completed_disconnect'), rate('heartbeats'),
        mean_ms('ttft_up_sum', 'ttft_up_count'), mean_ms('ttft_gw_sum', 'ttft_gw_count'),
        row['heap'] / 1048576)) + '\n')
derived.close()

script = f"""
set terminal pngcairo size 1400,1000 font 'sans,10' noenhanced
set output '{png}'
set multiplot layout 3,2 title 'llm-sse-gateway during bench/run.sh (scraped from /actuator/prometheus every 2 s)'
set xlabel 'seconds into the run'
set grid
set key top left
set title 'Active streams and attached subscribers'
plot '{derived.name}' using 1:2 with lines title 'llmsse_streams_active', '' using 1:3 with lines title 'llmsse_subscribers_attached'
set title 'Token events per second'
plot '{derived.name}' using 1:4 with lines title 'rate(gen_ai_server_time_per_output_token_seconds_count)'
set title 'Streams ended per second, by outcome'
plot '{derived.name}' using 1:5 with lines title 'done', '' using 1:6 with lines title 'client_disconnect'
set title 'Heartbeats per second'
plot '{derived.name}' using 1:7 with lines title 'rate(llmsse_heartbeats_total)'
set title 'Mean time to first token in each interval (ms)'
set logscale y
plot '{derived.name}' using 1:8 with points pt 7 ps 0.5 title 'upstream part', '' using 1:9 with points pt 7 ps 0.5 title 'gateway part'
unset logscale y
set title 'Heap used (MiB)'
plot '{derived.name}' using 1:10 with lines title 'jvm_memory_used_bytes{{area=heap}}'
unset multiplot
"""
subprocess.run(['gnuplot'], input=script, text=True, check=True)
