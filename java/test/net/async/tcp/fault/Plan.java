/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Which faults, after how long, and the seed of the random choices (in {@code toString}, so a
 * failing run can be repeated): what a {@link FaultProxy} does.
 *
 * <h3>Threading</h3>
 * Immutable.
 */
public record Plan(long minDelayMillis, long maxDelayMillis, Set<Fault> faults, long seed) {
    public Plan {
        if (minDelayMillis < 0 || maxDelayMillis < minDelayMillis) {
            throw new IllegalArgumentException("delay " + minDelayMillis + ".." + maxDelayMillis + " ms");
        }
        EnumSet<Fault> copy = EnumSet.noneOf(Fault.class); // iterates in a fixed order, unlike Set.copyOf
        copy.addAll(faults);
        faults = Collections.unmodifiableSet(copy);
    }

    public static Plan of(long minDelayMillis, long maxDelayMillis, long seed, Fault... faults) {
        return new Plan(minDelayMillis, maxDelayMillis, Set.copyOf(List.of(faults)), seed);
    }
}
