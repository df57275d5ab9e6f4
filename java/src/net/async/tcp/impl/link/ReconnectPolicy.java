/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import java.util.concurrent.ThreadLocalRandom;
import net.async.tcp.impl.Checks;

/**
 * How long a client waits before its next dial: exponential backoff from {@code periodMillis}
 * up to {@code maxPeriodMillis}, each delay spread by ± {@code jitter} of itself so that many
 * clients that lost one server do not all come back in the same millisecond.
 *
 * <pre>
 *   failures:  1      2       3       4 …
 *   delay:     p      2p      4p      … ≤ max      (each × a random factor in [1 − jitter, 1 + jitter])
 * </pre>
 *
 * With the defaults (max = period, jitter = 0) this is the original library's fixed period.
 *
 * <h2>Threading</h2>
 * Immutable.
 */
public record ReconnectPolicy(long periodMillis, long maxPeriodMillis, double jitter) {
    /**
     * Validates the values.
     *
     * @param periodMillis    the first wait, in milliseconds; must be &gt; 0
     * @param maxPeriodMillis the longest wait before jitter, in milliseconds; must be at least {@code periodMillis}
     * @param jitter          the fraction, 0..1, by which each wait is spread either way
     * @throws IllegalArgumentException naming the value at fault
     */
    public ReconnectPolicy {
        Checks.positive(periodMillis, "reconnect-period");
        if (maxPeriodMillis < periodMillis) {
            throw new IllegalArgumentException("reconnect-max-period must be at least reconnect-period ("
                    + periodMillis + " ms): " + maxPeriodMillis);
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("reconnect-jitter must be in 0..1: " + jitter);
        }
    }

    /**
     * The original's behaviour: the same period every time.
     *
     * @param periodMillis the wait in milliseconds; must be &gt; 0
     * @return the policy without backoff or jitter
     */
    public static ReconnectPolicy fixed(long periodMillis) {
        return new ReconnectPolicy(periodMillis, periodMillis, 0);
    }

    /**
     * The wait before the next dial after {@code failures} consecutive losses or failed dials (≥ 1).
     *
     * @param failures the losses and failed dials in a row; values below 1 count as 1
     * @return the wait in milliseconds, at least 1
     */
    public long delayMillis(int failures) {
        int doublings = Math.min(Math.max(failures - 1, 0), 62);
        long base = periodMillis << Math.min(doublings, Long.numberOfLeadingZeros(periodMillis) - 1);
        base = Math.min(base, maxPeriodMillis);
        if (jitter == 0) {
            return base;
        }
        double factor = 1 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        return Math.max(1, Math.round(base * factor));
    }
}
