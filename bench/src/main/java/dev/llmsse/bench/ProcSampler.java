package dev.llmsse.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples the resident memory ({@code VmRSS}, {@code VmHWM} from {@code /proc/<pid>/status}) and CPU time
 * ({@code utime + stime} from {@code /proc/<pid>/stat}) of named groups of processes, e.g. {@code server}
 * (the gateway, or nginx's master and workers), {@code mock} and {@code client} (this process). A group's
 * figure is the sum over its processes.
 */
final class ProcSampler implements Runnable {

    /** USER_HZ: /proc reports CPU times in these ticks; 100 on every Linux architecture the JDK runs on. */
    private static final double TICKS_PER_SECOND = 100.0;

    /** One named group of processes. */
    static final class Group {
        final String name;
        final List<Long> pids;
        volatile long rssPeakKb;
        long rssIdleKb = -1;
        long rssPlateauKb = -1;
        long cpuTicksStart;
        long cpuTicksEnd;
        long runDelayStart;
        long runDelayEnd;
        long wallStartNanos;
        long wallEndNanos;

        Group(String name, List<Long> pids) {
            this.name = name;
            this.pids = pids;
        }

        double cpuPercent() {
            double wall = (wallEndNanos - wallStartNanos) / 1e9;
            return wall <= 0 ? 0 : (cpuTicksEnd - cpuTicksStart) / TICKS_PER_SECOND / wall * 100.0;
        }

        /** Time its threads spent runnable but waiting for a CPU, in % of the wall time (summed over threads). */
        double cpuWaitPercent() {
            double wall = wallEndNanos - wallStartNanos;
            return wall <= 0 ? 0 : (runDelayEnd - runDelayStart) / wall * 100.0;
        }

        Map<String, Object> json() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("pids", pids);
            out.put("rssIdleKb", rssIdleKb);
            out.put("rssPeakKb", rssPeakKb);
            out.put("rssPlateauKb", rssPlateauKb);
            out.put("hwmKb", hwmKb(pids));
            out.put("cpuPercent", Math.round(cpuPercent() * 10) / 10.0);
            out.put("cpuSeconds", Math.round((cpuTicksEnd - cpuTicksStart) / TICKS_PER_SECOND * 100) / 100.0);
            out.put("cpuWaitPercent", Math.round(cpuWaitPercent() * 10) / 10.0);
            return out;
        }
    }

    private final List<Group> groups = new ArrayList<>();
    private volatile boolean running = true;
    private volatile boolean tracking;

    /** Parses {@code name=pid[,pid…]}. */
    void add(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("--pid needs name=pid[,pid...]: " + spec);
        }
        List<Long> pids = new ArrayList<>();
        for (String pid : spec.substring(eq + 1).split(",")) {
            if (!pid.isBlank()) {
                pids.add(Long.parseLong(pid.trim()));
            }
        }
        groups.add(new Group(spec.substring(0, eq), pids));
    }

    void addSelf() {
        groups.add(new Group("client", List.of(ProcessHandle.current().pid())));
    }

    List<Group> groups() {
        return groups;
    }

    /** Marks the idle point: resident memory now, and the start of the CPU and peak measurement. */
    void startMeasuring() {
        long now = System.nanoTime();
        for (Group group : groups) {
            group.rssIdleKb = rssKb(group.pids);
            group.rssPeakKb = group.rssIdleKb;
            group.cpuTicksStart = cpuTicks(group.pids);
            group.runDelayStart = runDelayNanos(group.pids);
            group.wallStartNanos = now;
        }
        tracking = true;
    }

    void plateau() {
        for (Group group : groups) {
            group.rssPlateauKb = rssKb(group.pids);
            group.rssPeakKb = Math.max(group.rssPeakKb, group.rssPlateauKb);
        }
    }

    void stopMeasuring() {
        tracking = false;
        long now = System.nanoTime();
        for (Group group : groups) {
            group.cpuTicksEnd = cpuTicks(group.pids);
            group.runDelayEnd = runDelayNanos(group.pids);
            group.wallEndNanos = now;
            group.rssPeakKb = Math.max(group.rssPeakKb, rssKb(group.pids));
        }
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running) {
            if (tracking) {
                for (Group group : groups) {
                    long rss = rssKb(group.pids);
                    if (rss > group.rssPeakKb) {
                        group.rssPeakKb = rss;
                    }
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    static long rssKb(List<Long> pids) {
        return statusField(pids, "VmRSS:");
    }

    static long hwmKb(List<Long> pids) {
        return statusField(pids, "VmHWM:");
    }

    private static long statusField(List<Long> pids, String field) {
        long sum = 0;
        for (long pid : pids) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith(field)) {
                        sum += Long.parseLong(line.substring(field.length()).replace("kB", "").trim());
                        break;
                    }
                }
            } catch (IOException | RuntimeException gone) {
                // The process ended or /proc is not there: count nothing for it.
            }
        }
        return sum;
    }

    /**
     * The sum over every thread of the processes of the time spent waiting on a run queue
     * ({@code /proc/<pid>/task/<tid>/schedstat}, second field, ns): how much the machine made them wait.
     * Threads that ended in between are not counted.
     */
    static long runDelayNanos(List<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    try {
                        String[] fields = Files.readString(task.resolve("schedstat")).trim().split(" ");
                        sum += Long.parseLong(fields[1]);
                    } catch (IOException | RuntimeException gone) {
                        // the thread ended
                    }
                }
            } catch (IOException | RuntimeException gone) {
                // the process ended
            }
        }
        return sum;
    }

    static long cpuTicks(List<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                // The command name (field 2) may contain spaces; fields after its closing parenthesis are fixed.
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                sum += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            } catch (IOException | RuntimeException gone) {
                // ignore
            }
        }
        return sum;
    }
}
