/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Heap allocated over a window, per operation, by thread group ({@link CpuAccount#group}: event
 * loops, user threads, the rest), from HotSpot's per-thread counters
 * ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}). A thread that ends inside the
 * window takes its count with it, so {@link #stop} must come while the run's threads live.
 *
 * <h3>Threading</h3>
 * {@link #start}, {@link #stop} and {@link #perOp} on one thread; other threads' counters are read from it.
 */
final class Allocations {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /**
     * Bytes per operation: event loops, user threads, everything else; {@code threads} the same by
     * thread name, numbers dropped, largest first (e.g. {@code async-dispatch=778,main=500}).
     */
    record Split(double loops, double user, double other, String threads) {
        double total() {
            return loops + user + other;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.0f B allocated per op (loops %.0f, user threads %.0f, other %.0f: %s)",
                    total(), loops, user, other, threads);
        }
    }

    private final Map<Long, Long> atStart = snapshot();
    private final double[] bytes = new double[3]; // user, loops, other: CpuAccount.group's order
    private final Map<String, Double> byName = new HashMap<>();

    private Allocations() {
    }

    static Allocations start() {
        return new Allocations();
    }

    /** Ends the window: reads every live thread's count, while the run's threads still live. */
    void stop() {
        long[] ids = THREADS.getAllThreadIds();
        long[] now = THREADS.getThreadAllocatedBytes(ids);
        java.lang.management.ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] != null && now[i] >= 0) {
                String name = infos[i].getThreadName();
                long delta = now[i] - atStart.getOrDefault(ids[i], 0L);
                bytes[CpuAccount.group(name)] += delta;
                byName.merge(name.replaceAll("(-\\d+)+$", ""), (double) delta, Double::sum);
            }
        }
    }

    /** What each group allocated between {@link #start} and {@link #stop}, divided by {@code ops}. */
    Split perOp(double ops) {
        return new Split(bytes[1] / ops, bytes[0] / ops, bytes[2] / ops, names(byName, ops));
    }

    /** The threads that allocated 1 byte per op or more, largest first, as {@code name=bytes,…} (no spaces). */
    static String names(Map<String, Double> bytesByName, double ops) {
        StringBuilder s = new StringBuilder();
        bytesByName.entrySet().stream().filter(e -> e.getValue() / ops >= 1)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> s.append(s.length() == 0 ? "" : ",").append(e.getKey().replace(' ', '_')).append('=')
                        .append(Math.round(e.getValue() / ops)));
        return s.length() == 0 ? "-" : s.toString();
    }

    private static Map<Long, Long> snapshot() {
        long[] ids = THREADS.getAllThreadIds();
        long[] bytes = THREADS.getThreadAllocatedBytes(ids);
        Map<Long, Long> byId = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            byId.put(ids[i], bytes[i]);
        }
        return byId;
    }
}
