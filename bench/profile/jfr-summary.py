#!/usr/bin/env python3
"""Summarizes the CPU samples of a JFR recording of the gateway (see bench/profile.sh).

usage: jfr-summary.py RECORDING.jfr OUT.md [FLAME.svg]

Reads `jfr print --stack-depth 256 --events jdk.ExecutionSample`, then writes a markdown summary: where the
gateway's CPU goes by kind of work (new request, upstream chunk to client frames, socket writes, timers), the
hottest methods (self time) and the gateway's own frames (inclusive). With FLAME.svg it also draws a flame
graph of the same samples (root at the bottom, width = share of samples; hover a box for its name)."""
import collections, html, re, subprocess, sys

# Kinds of work, checked in this order against every frame of a sample (the first that matches wins).
KINDS = [
    ('generation start: the provider request built and sent (HttpClient, observation, pool)',
     'dev.llmsse.stream.Generation.attach'),
    ('new request: HTTP parsing, filters, security, controller, upstream call set-up',
     'HttpServerOperations.handleDefaultHttpRequest'),
    ('upstream chunk → decode → log → client frame (synchronous, one stack)', 'HttpClientOperations.onInboundNext'),
    ('upstream connect / response head', 'HttpClientConnect'),
    ('client socket writes (queued sends)', 'MonoSendMany'),
    ('socket writes (flush)', 'AbstractEpollStreamChannel.doWrite'),
    ('timers and scheduled tasks', 'runAllTasks'),
    ('other socket reads', 'epollInReady'),
]


def samples(jfr):
    text = subprocess.run(['jfr', 'print', '--stack-depth', '256', '--events', 'jdk.ExecutionSample', jfr],
                          capture_output=True, text=True, check=True).stdout
    for event in text.split('jdk.ExecutionSample')[1:]:
        frames = re.findall(r'^\s+([\w.$<>]+)\(', event, re.M)
        thread = re.search(r'sampledThread = "([^"]*)"', event)
        if frames:
            yield frames, re.sub(r'\d+', 'N', thread.group(1) if thread else '?')


def main():
    jfr, out = sys.argv[1], sys.argv[2]
    all_samples = [s for s in samples(jfr) if not s[1].startswith(('main', 'background-preinit'))]
    n = len(all_samples)
    kinds, own, self_time = collections.Counter(), collections.Counter(), collections.Counter()
    for frames, thread in all_samples:
        kind = next((k for k, marker in KINDS if any(marker in f for f in frames)), 'other: thread ' + thread)
        kinds[kind] += 1
        self_time[frames[0]] += 1
        for f in set(frames):
            if f.startswith('dev.llmsse'):
                own[f] += 1
    pct = lambda c: f'{100.0 * c / n:.1f}%'
    lines = [f'# CPU profile of the gateway: `{jfr.split("/")[-1]}`', '',
             f'{n} CPU samples of the gateway\'s threads (JFR `jdk.ExecutionSample`, profile settings; start-up '
             'threads left out). Shares are of all samples.', '', '## By kind of work', '',
             '| kind | share |', '|---|---|']
    lines += [f'| {k} | {pct(c)} |' for k, c in kinds.most_common()]
    lines += ['', '## Hottest methods (self)', '', '| method | self |', '|---|---|']
    lines += [f'| `{f}` | {pct(c)} |' for f, c in self_time.most_common(25)]
    lines += ['', '## The gateway\'s own frames (inclusive)', '', '| method | inclusive |', '|---|---|']
    lines += [f'| `{f}` | {pct(c)} |' for f, c in own.most_common(25)]
    open(out, 'w').write('\n'.join(lines) + '\n')
    if len(sys.argv) > 3:
        flame(all_samples, sys.argv[3])


def flame(all_samples, path, width=1600, row=16):
    root = {}
    counts = collections.Counter()
    for frames, _ in all_samples:
        node, prefix = root, ()
        for f in reversed(frames):
            prefix += (f,)
            counts[prefix] += 1
            node = node.setdefault(f, {})
    total = len(all_samples)
    depth = max(len(p) for p in counts) if counts else 1
    height = (depth + 2) * row
    boxes = []

    def draw(node, prefix, x, level):
        for name in sorted(node):
            key = prefix + (name,)
            w = counts[key] * width / total
            if w >= 8:
                y = height - (level + 2) * row
                short = name.rsplit('.', 2)
                label = '.'.join(short[-2:]) if len(short) > 1 else name
                hue = 10 + (hash(name.split('.')[0]) % 50)
                boxes.append(f'<g><title>{html.escape(name)} ({100.0 * counts[key] / total:.1f}%)</title>'
                             f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row - 1}" '
                             f'fill="hsl({hue},80%,60%)"/>'
                             + (f'<text x="{x + 2:.1f}" y="{y + row - 4}" font-size="10">'
                                f'{html.escape(label[:int(w / 6)])}</text>' if w > 30 else '') + '</g>')
                draw(node[name], key, x, level + 1)
            x += w

    draw(root, (), 0.0, 0)
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="monospace"><rect width="100%" height="100%" fill="white"/>'
           f'<text x="4" y="12" font-size="12">gateway CPU samples: {total}</text>' + ''.join(boxes) + '</svg>')
    open(path, 'w').write(svg)


if __name__ == '__main__':
    main()
