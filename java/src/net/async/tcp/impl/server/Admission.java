/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.server;

import io.netty.channel.Channel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import net.async.tcp.impl.LogThrottle;
import net.async.tcp.impl.stats.AcceptorCounts;
import net.async.tcp.impl.wire.ControlFrame;
import net.async.tcp.impl.wire.SessionId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who an acceptor lets in. Beyond max-connections live links, a new one is closed at once. In
 * session mode the listening socket never stops accepting, so that a client resuming its session
 * is never stuck behind new clients in the kernel's backlog; instead two more things are bounded:
 *
 * <pre>
 *   link accepted (≤ max-connections, else closed at once)
 *     ──▶ handshaking (≤ max-handshakes, else REFUSED busy) ──HELLO──▶ resume: attached
 *                                                               └──▶ new: pending
 *   pending: WELCOMEd, waiting for accept-chan (≤ max-pending-sessions, else REFUSED busy) ──taken──▶ announced
 * </pre>
 *
 * A resume never counts against the pending bound: it attaches at once. A client turned away
 * retries with its backoff. Under a flood of links turned away, one log line a second says so.
 *
 * <h2>Threading</h2>
 * Any thread: links arrive on every thread of the loop, accept-chan is fed from the acceptor's;
 * every count is atomic, the log throttle guarded by its own lock.
 */
final class Admission {
    private static final Logger log = LoggerFactory.getLogger(Admission.class);

    private final int maxConnections;
    private final AdmissionLimits limits; // null without session mode
    private final Supplier<Object> where; // the listening address, for log lines
    private final AtomicInteger live = new AtomicInteger();
    private final AtomicInteger handshaking = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong handshakesRefused = new AtomicLong();
    private final AtomicLong sessionsRefused = new AtomicLong();
    private final LogThrottle refusalLog = new LogThrottle(1, TimeUnit.SECONDS);

    /** @param limits the session bounds, or {@code null} without session mode */
    Admission(int maxConnections, AdmissionLimits limits, Supplier<Object> where) {
        this.maxConnections = maxConnections;
        this.limits = limits;
        this.where = where;
    }

    /** A new link: {@return whether it is let in}; if not, it is closed. It counts as live until it closes. */
    boolean admitLink(Channel child) {
        if (live.incrementAndGet() > maxConnections) {
            live.decrementAndGet();
            long count = rejected.incrementAndGet();
            child.close();
            logRefusal("max-connections " + maxConnections + " reached: closing " + child.remoteAddress() + " ("
                    + count + " rejected so far)");
            return false;
        }
        child.closeFuture().addListener(f -> live.decrementAndGet());
        accepted.incrementAndGet();
        return true;
    }

    /**
     * A session link: {@return whether it may start its handshake}; if so, {@link #handshakeEnded}
     * follows once; if not, the client is told it is busy, so that it logs that, not a lost link.
     */
    boolean startHandshake(Channel child) {
        if (handshaking.incrementAndGet() > limits.handshakes()) {
            handshaking.decrementAndGet();
            long count = handshakesRefused.incrementAndGet();
            ControlFrame.Refused.closeWith(child, ControlFrame.Refused.BUSY);
            logRefusal("max-handshakes " + limits.handshakes() + " reached (links awaiting HELLO): closing "
                    + child.remoteAddress() + " (" + count + " closed so far)");
            return false;
        }
        return true;
    }

    void handshakeEnded() {
        handshaking.decrementAndGet();
    }

    /** A HELLO opens session {@code id}: {@return whether it may wait for accept-chan; if so, {@link #announced} follows once} */
    boolean openSession(SessionId id) {
        if (pending.incrementAndGet() > limits.pendingSessions()) {
            pending.decrementAndGet();
            long count = sessionsRefused.incrementAndGet();
            logRefusal("max-pending-sessions " + limits.pendingSessions() + " reached (new sessions waiting for "
                    + "accept-chan): refusing session " + id + " (" + count + " refused so far)");
            return false;
        }
        return true;
    }

    /** A new session is on accept-chan, or was dropped there: it no longer waits. */
    void announced() {
        pending.decrementAndGet();
    }

    /** {@return links closed at once because max-connections were alive} */
    long rejected() {
        return rejected.get();
    }

    /** {@return the counts now, with {@code evicted} detached sessions, for stats} */
    AcceptorCounts counts(long evicted) {
        return new AcceptorCounts(accepted.get(), rejected.get(), evicted, handshakesRefused.get(),
                sessionsRefused.get(), handshaking.get(), pending.get());
    }

    private void logRefusal(String what) {
        boolean logIt;
        synchronized (refusalLog) { // links arrive on every thread
            logIt = refusalLog.allow();
        }
        if (logIt) {
            log.warn("[acceptor {}] {}", where.get(), what);
        }
    }
}
