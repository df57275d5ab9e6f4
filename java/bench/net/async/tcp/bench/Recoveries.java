/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.util.EnumMap;
import java.util.Map;
import net.async.tcp.fault.Fault;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * What every cut of a run cost: the time from the proxy's fault to the next message delivered on
 * that session, in microseconds, over all cuts and by kind of fault.
 *
 * <h3>Threading</h3>
 * Recorded from any thread (synchronized histograms); read once the run is over.
 */
final class Recoveries {
    private static final long MAX_MICROS = 600_000_000L;

    private final Histogram all = new SynchronizedHistogram(MAX_MICROS, 3);
    private final Map<Fault, Histogram> byKind = new EnumMap<>(Fault.class);

    Recoveries() {
        for (Fault kind : Fault.values()) {
            byKind.put(kind, new SynchronizedHistogram(MAX_MICROS, 3));
        }
    }

    void record(Fault kind, long nanos) {
        long micros = Math.min(MAX_MICROS, Math.max(1, nanos / 1000));
        all.recordValue(micros);
        byKind.get(kind).recordValue(micros);
    }

    Histogram all() {
        return all;
    }

    Histogram of(Fault kind) {
        return byKind.get(kind);
    }

    /** {@code p50/p99/max} in milliseconds, and the count. */
    static String summary(Histogram h) {
        return h.getTotalCount() == 0 ? "none" : String.format(java.util.Locale.ROOT, "p50 %.1f, p99 %.1f, max %.1f ms (n=%d)",
                h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3,
                h.getTotalCount());
    }
}
