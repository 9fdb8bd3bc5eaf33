#!/usr/bin/env python3
"""Samples the running bench gateway's /actuator/prometheus every 2 s into /tmp/metrics.csv until bench/run.sh
ends (it watches /tmp/bench-full.log for the rc= line). Run it beside bench/run.sh; see bench/plot/README.md."""
import re, subprocess, time, urllib.request, sys
out = open('/tmp/metrics.csv', 'w')
out.write('t,active,subscribers,token_events,completed_done,completed_disconnect,heartbeats,ttft_up_sum,ttft_up_count,ttft_gw_sum,ttft_gw_count,heap\n')
t0 = time.time()
end = t0 + 2200
def port():
    ps = subprocess.run(['ps', '-eo', 'args'], capture_output=True, text=True).stdout
    for line in ps.splitlines():
        if 'llm-sse-gateway-0.1.0-SNAPSHOT.jar' in line and 'server.port=' in line:
            m = re.search(r'--server\.port=(\d+)', line)
            if m: return m.group(1)
    return None
def total(text, name, label=''):
    s = 0.0
    for m in re.finditer(r'(?m)^' + re.escape(name) + r'(\{[^}]*\})? ([0-9.eE+-]+)$', text):
        if label in (m.group(1) or ''): s += float(m.group(2))
    return s
while time.time() < end:
    p = port()
    if p:
        try:
            text = urllib.request.urlopen('http://127.0.0.1:%s/actuator/prometheus' % p, timeout=2).read().decode()
            row = [time.time() - t0,
                   total(text, 'llmsse_streams_active'), total(text, 'llmsse_subscribers_attached'),
                   total(text, 'gen_ai_server_time_per_output_token_seconds_count'),
                   total(text, 'llmsse_streams_completed_total', 'outcome="done"'),
                   total(text, 'llmsse_streams_completed_total', 'outcome="client_disconnect"'),
                   total(text, 'llmsse_heartbeats_total'),
                   total(text, 'gen_ai_server_time_to_first_token_seconds_sum', 'part="upstream"'),
                   total(text, 'gen_ai_server_time_to_first_token_seconds_count', 'part="upstream"'),
                   total(text, 'gen_ai_server_time_to_first_token_seconds_sum', 'part="gateway"'),
                   total(text, 'gen_ai_server_time_to_first_token_seconds_count', 'part="gateway"'),
                   total(text, 'jvm_memory_used_bytes', 'area="heap"')]
            out.write(','.join('%.4f' % v for v in row) + '\n'); out.flush()
        except Exception as e:
            pass
    if 'rc=' in open('/tmp/bench-full.log').read():
        break
    time.sleep(2)
