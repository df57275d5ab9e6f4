/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {
    @Test
    void fixedPolicyWaitsTheSamePeriodEveryTime() {
        ReconnectPolicy fixed = ReconnectPolicy.fixed(1000);
        for (int failures = 1; failures < 100; failures++) {
            assertEquals(1000, fixed.delayMillis(failures));
        }
    }

    @Test
    void backoffDoublesUpToTheCapAndNeverOverflows() {
        ReconnectPolicy backoff = new ReconnectPolicy(100, 1500, 0);
        assertEquals(100, backoff.delayMillis(1));
        assertEquals(200, backoff.delayMillis(2));
        assertEquals(400, backoff.delayMillis(3));
        assertEquals(800, backoff.delayMillis(4));
        assertEquals(1500, backoff.delayMillis(5));
        assertEquals(1500, backoff.delayMillis(Integer.MAX_VALUE));
        assertTrue(new ReconnectPolicy(3, Long.MAX_VALUE, 0).delayMillis(1000) > 0, "no overflow to a negative delay");
    }

    @Test
    void jitterSpreadsDelaysWithinItsBounds() {
        ReconnectPolicy jittered = new ReconnectPolicy(1000, 1000, 0.5);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            long delay = jittered.delayMillis(1);
            assertTrue(delay >= 500 && delay <= 1500, "delay " + delay);
            seen.add(delay);
        }
        assertTrue(seen.size() > 100, "delays are spread, not synchronised: " + seen.size() + " distinct");
    }

    @Test
    void rejectsACapBelowThePeriodAndJitterOutsideZeroToOne() {
        assertThrows(IllegalArgumentException.class, () -> new ReconnectPolicy(1000, 999, 0));
        assertThrows(IllegalArgumentException.class, () -> new ReconnectPolicy(1000, 1000, 1.5));
        assertThrows(IllegalArgumentException.class, () -> new ReconnectPolicy(1000, 1000, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new ReconnectPolicy(0, 1000, 0));
    }
}
