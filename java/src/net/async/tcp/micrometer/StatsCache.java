/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.micrometer;

import java.util.function.Supplier;
import net.async.tcp.Stats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link Stats} snapshot shared by the meters of a binder: a scrape reads some twenty meters
 * back to back, and each reading a fresh snapshot would ask every network thread twenty times.
 *
 * <h2>Threading</h2>
 * Any thread (a registry's scrape or publishing thread), under this object's lock.
 */
final class StatsCache {
    private static final Logger log = LoggerFactory.getLogger(StatsCache.class);

    private final Supplier<Stats> source;
    private final long maxAgeNanos;
    private Stats last;
    private long takenAt;
    private boolean failureLogged;

    StatsCache(Supplier<Stats> source, long maxAgeNanos) {
        this.source = source;
        this.maxAgeNanos = maxAgeNanos;
    }

    /** {@return a snapshot at most max-age old, or the last one (or {@code null}) if a fresh one failed} */
    synchronized Stats get() {
        long now = System.nanoTime();
        if (last == null || now - takenAt >= maxAgeNanos) {
            try {
                last = source.get();
                takenAt = now;
            } catch (RuntimeException e) { // read from an event loop, say: a meter must not throw
                if (!failureLogged) {
                    failureLogged = true;
                    log.warn("net.async meters could not be read; they show their last values", e);
                }
            }
        }
        return last;
    }

    /** {@return {@code figure} of the current snapshot, NaN if there is none} */
    double read(java.util.function.ToLongFunction<Stats> figure) {
        Stats stats = get();
        return stats == null ? Double.NaN : figure.applyAsLong(stats);
    }
}
