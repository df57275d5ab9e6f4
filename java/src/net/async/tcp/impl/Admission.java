/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a session acceptor lets wait while its user does not take from accept-chan. In session
 * mode the listening socket never stops accepting, so that a client resuming its session is
 * never stuck behind new clients in the kernel's backlog; instead two things are bounded here:
 *
 * <pre>
 *   link accepted ──▶ handshaking (≤ max-handshakes, else closed at once) ──HELLO──▶ resume: attached
 *                                                                             └──▶ new: pending
 *   pending: WELCOMEd, waiting for accept-chan (≤ max-pending-sessions, else REFUSED busy) ──taken──▶ announced
 * </pre>
 *
 * A resume never counts against the pending bound: it attaches at once. A client turned away
 * retries with its backoff.
 *
 * <h2>Threading</h2>
 * Any thread: links arrive on every thread of the loop, accept-chan is fed from the acceptor's;
 * every field is atomic.
 */
final class Admission {
    private final AdmissionLimits limits;
    private final AtomicInteger handshaking = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong handshakesRefused = new AtomicLong();
    private final AtomicLong sessionsRefused = new AtomicLong();

    Admission(AdmissionLimits limits) {
        this.limits = limits;
    }

    AdmissionLimits limits() {
        return limits;
    }

    /** A new link: {@return whether it may start its handshake; if so, {@link #handshakeEnded} follows once} */
    boolean startHandshake() {
        if (handshaking.incrementAndGet() > limits.handshakes()) {
            handshaking.decrementAndGet();
            handshakesRefused.incrementAndGet();
            return false;
        }
        return true;
    }

    void handshakeEnded() {
        handshaking.decrementAndGet();
    }

    /** A HELLO opens a new session: {@return whether it may wait for accept-chan; if so, {@link #announced} follows once} */
    boolean openSession() {
        if (pending.incrementAndGet() > limits.pendingSessions()) {
            pending.decrementAndGet();
            sessionsRefused.incrementAndGet();
            return false;
        }
        return true;
    }

    /** A new session is on accept-chan, or was dropped there: it no longer waits. */
    void announced() {
        pending.decrementAndGet();
    }

    /** {@return the counts now, for stats} */
    int handshaking() {
        return handshaking.get();
    }

    int pending() {
        return pending.get();
    }

    long handshakesRefused() {
        return handshakesRefused.get();
    }

    long sessionsRefused() {
        return sessionsRefused.get();
    }
}
