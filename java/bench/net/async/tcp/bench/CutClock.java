/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.util.ArrayList;
import java.util.List;
import net.async.tcp.fault.Fault;

/**
 * Times the cuts of one client's links: a cut ends at the first message its client takes after
 * a {@code :connected} that follows the cut, and, for a cut that struck while the client was up,
 * after the {@code :disconnected} that says it found out. Each link of a client gets one fault
 * and a client has one link at a time, so every cut is of the link the client has (or is
 * dialling) then.
 *
 * <p>One approximation: a cut that strikes just after a handshake passed, while that link's
 * {@code :connected} is still on its way to the client, counts as a cut while down, and can end
 * at a message that link carried before the cut (a time too short, never one too long).
 *
 * <h3>Threading</h3>
 * Not thread-safe: its owner calls it under its own lock, from the proxy's thread (cuts) and from
 * the threads that take the client's events.
 */
final class CutClock {
    private record Cut(long nanos, Fault kind) {
    }

    private final Recoveries sink;
    private final List<Cut> untilDown = new ArrayList<>(2);
    private final List<Cut> untilUp = new ArrayList<>(2);
    private final List<Cut> untilMessage = new ArrayList<>(2);
    private boolean up;
    private long downSince = -1;

    CutClock(Recoveries sink) {
        this.sink = sink;
    }

    void cut(Fault kind) {
        (up ? untilDown : untilUp).add(new Cut(System.nanoTime(), kind));
    }

    void disconnected() {
        up = false;
        downSince = System.nanoTime();
        untilUp.addAll(untilDown);
        untilDown.clear();
    }

    void connected() {
        up = true;
        untilMessage.addAll(untilUp);
        untilUp.clear();
    }

    /** A message taken: ends every cut waiting for one; {@return the nanoseconds since the last :disconnected, or -1} */
    long delivered() {
        long now = System.nanoTime();
        for (Cut cut : untilMessage) {
            sink.record(cut.kind(), now - cut.nanos());
        }
        untilMessage.clear();
        long outage = downSince < 0 || !up ? -1 : now - downSince;
        downSince = -1;
        return outage;
    }

    /** Cuts not yet ended: the run stopped first. */
    int open() {
        return untilDown.size() + untilUp.size() + untilMessage.size();
    }
}
