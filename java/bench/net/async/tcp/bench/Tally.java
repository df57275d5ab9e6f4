/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the chaos steps count across all their sessions, both ends: messages, what arrived out of
 * turn (a gap is a loss, a repeat a duplicate), sessions lost, and the first few violations in words.
 *
 * <h3>Threading</h3>
 * Any thread: atomic counters and a concurrent list.
 */
final class Tally {
    private static final int WORDS = 20;

    final AtomicLong sent = new AtomicLong();        // clients' messages put on write-chan
    final AtomicLong received = new AtomicLong();    // taken by the server, in order
    final AtomicLong echoed = new AtomicLong();      // echoes taken by the clients, in order
    final AtomicLong lost = new AtomicLong();
    final AtomicLong duplicated = new AtomicLong();
    final AtomicLong corrupt = new AtomicLong();
    final AtomicLong sessionsLost = new AtomicLong(); // :session-lost on a client, or a server session closed under it
    final AtomicLong connected = new AtomicLong();    // :connected on clients
    final AtomicLong closed = new AtomicLong();       // clients closed by agreement
    private final List<String> violations = new CopyOnWriteArrayList<>();

    void violation(String what) {
        if (violations.size() < WORDS) {
            violations.add(what);
        }
    }

    List<String> violations() {
        return violations;
    }

    /**
     * Checks {@code seq} against the next expected, counting a gap or a repeat.
     *
     * @return the next expected after it
     */
    long order(String who, long expected, int seq) {
        long got = (expected & ~0xffffffffL) | (seq & 0xffffffffL); // the header carries the low 32 bits
        if (got == expected) {
            return expected + 1;
        }
        if (got < expected) {
            duplicated.incrementAndGet();
            violation(who + ": #" + got + " again, expected #" + expected);
            return expected;
        }
        lost.addAndGet(got - expected);
        violation(who + ": #" + expected + "..#" + (got - 1) + " missing, got #" + got);
        return got + 1;
    }
}
