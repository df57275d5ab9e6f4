/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a many-connection run's work fell on its threads: the accepted connections each server
 * thread was given, and the CPU each watched thread used between {@link #start} and {@link #stop}
 * (% of a core), next to the whole process's CPU and the share of the time in collector pauses. A
 * multi-thread loop whose connections all sit on one thread shows up here as one busy thread and
 * idle siblings, whatever the throughput says.
 *
 * <pre>
 *   process 195%, GC pauses 3% of the time, net-async-tcp-7-1 8 conn 62%, net-async-tcp-7-2 8 conn 60%,
 *   net-async-tcp-8-1 55%, net-async-tcp-8-2 54%
 * </pre>
 *
 * <h3>Threading</h3>
 * {@link #connectionHere} from the loop threads; the rest from the thread that runs the workload.
 */
final class ThreadSpread {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final String[] prefixes;
    private final Map<String, Integer> connections = new ConcurrentHashMap<>();
    private Map<String, Long> cpuBefore = Map.of();
    private long startNanos;
    private long processCpuBefore;
    private long gcMillisBefore;
    private String summary = "";

    /** Watches the threads whose names start with one of {@code prefixes}. */
    ThreadSpread(String... prefixes) {
        this.prefixes = prefixes;
    }

    /** Counts one accepted connection on the calling thread, a loop thread it lives on. */
    void connectionHere() {
        connections.merge(Thread.currentThread().getName(), 1, Integer::sum);
    }

    void start() {
        cpuBefore = cpu();
        processCpuBefore = OS.getProcessCpuTime();
        gcMillisBefore = gcMillis();
        startNanos = System.nanoTime();
    }

    void stop() {
        double nanos = System.nanoTime() - startNanos;
        StringJoiner out = new StringJoiner(", ");
        // the whole process and the collector's pauses: what the loop threads' shares leave out
        out.add(String.format(Locale.ROOT, "process %.0f%%, GC pauses %.0f%% of the time",
                100 * (OS.getProcessCpuTime() - processCpuBefore) / nanos,
                100 * (gcMillis() - gcMillisBefore) * 1e6 / nanos));
        cpu().forEach((name, used) -> {
            Integer conns = connections.get(name);
            double percent = 100 * (used - cpuBefore.getOrDefault(name, 0L)) / nanos;
            out.add(String.format(Locale.ROOT, "%s%s %.0f%%", name, conns == null ? "" : " " + conns + " conn",
                    percent));
        });
        summary = out.toString();
    }

    /** Each watched thread with its connections (server threads only) and % of a core, in name order. */
    String summary() {
        return summary;
    }

    private static long gcMillis() {
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            millis += Math.max(0, gc.getCollectionTime());
        }
        return millis;
    }

    /** CPU nanoseconds of each live watched thread, by name (each loop's names are unique). */
    private Map<String, Long> cpu() {
        Map<String, Long> cpu = new TreeMap<>();
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds(), 0)) {
            if (info == null || !watched(info.getThreadName())) {
                continue; // null: ended since the listing
            }
            long nanos = THREADS.getThreadCpuTime(info.getThreadId());
            if (nanos >= 0) {
                cpu.put(info.getThreadName(), nanos);
            }
        }
        return cpu;
    }

    private boolean watched(String name) {
        for (String prefix : prefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
