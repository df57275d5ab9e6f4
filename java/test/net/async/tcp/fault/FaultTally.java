/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Collectors;

/**
 * What a {@link FaultProxy} has done: links accepted, faults struck by kind, and how far into
 * its life each faulted link was.
 *
 * <h2>Threading</h2>
 * Counted on the proxy's thread, read from the test's: the counters are atomic, the list of
 * what faulted links had carried synchronized.
 */
final class FaultTally {
    private final AtomicLong links = new AtomicLong();
    private final AtomicLongArray faults = new AtomicLongArray(Fault.values().length);
    // how many bytes each faulted link had carried, both ways, when its fault struck
    private final List<Long> carriedAtFault = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean keepCarried = true;

    void linkAccepted() {
        links.incrementAndGet();
    }

    /** A fault of {@code kind} struck a link that had carried {@code carried} bytes. */
    void faultStruck(Fault kind, long carried) {
        faults.incrementAndGet(kind.ordinal());
        if (keepCarried) {
            carriedAtFault.add(carried);
        }
    }

    void keepCarried(boolean keep) {
        keepCarried = keep;
    }

    long links() {
        return links.get();
    }

    long faults(Fault kind) {
        return faults.get(kind.ordinal());
    }

    long faults() {
        return Arrays.stream(Fault.values()).mapToLong(this::faults).sum();
    }

    long faultsWithinFirst(long bytes) {
        synchronized (carriedAtFault) {
            return carriedAtFault.stream().filter(carried -> carried < bytes).count();
        }
    }

    @Override
    public String toString() {
        return "links " + links() + ", "
                + Arrays.stream(Fault.values()).map(kind -> kind + " " + faults(kind)).collect(Collectors.joining(", "));
    }
}
