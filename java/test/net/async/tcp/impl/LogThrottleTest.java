/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LogThrottleTest {
    private long now;
    private final LogThrottle throttle = new LogThrottle(1, TimeUnit.SECONDS, () -> now);

    @Test
    void theFirstLinePassesWhateverTheClockSaysThenOneAnInterval() {
        now = Long.MIN_VALUE + 5; // nanoTime has no origin: a first line must not look too soon
        assertTrue(throttle.allow());
        now += TimeUnit.MILLISECONDS.toNanos(999);
        assertFalse(throttle.allow());
        now += TimeUnit.MILLISECONDS.toNanos(2);
        assertTrue(throttle.allow(), "an interval after the last line that passed");
        assertFalse(throttle.allow());
    }

    @Test
    void resetLetsTheNextLineThroughAtOnce() {
        assertTrue(throttle.allow());
        assertFalse(throttle.allow());
        throttle.reset();
        assertTrue(throttle.allow(), "a new episode is news");
        assertFalse(throttle.allow());
    }
}
