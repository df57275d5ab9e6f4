/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import java.util.concurrent.TimeUnit;
import net.async.tcp.impl.LogThrottle;
import net.async.tcp.impl.stats.Counters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of one client's failed attempts: a server that stays away, or a handshake or
 * refusal that repeats with every attempt while a configuration is wrong, must not fill the log.
 * The first failure after a loss is logged at INFO (a refusal at WARN), then one line a minute
 * while it lasts, every attempt at DEBUG; each failure is counted in the connection's numbers.
 *
 * <h2>Threading</h2>
 * Confined to the connection's event loop.
 */
public final class AttemptLog {
    private static final Logger log = LoggerFactory.getLogger(Connection.class); // the connection's lines

    private final Object connection;
    private final Counters counters;
    private final LogThrottle throttle = new LogThrottle(1, TimeUnit.MINUTES);
    private int failures;

    AttemptLog(Object connection, Counters counters) {
        this.connection = connection;
        this.counters = counters;
    }

    /** A round of dials failed. */
    void dialFailed(Throwable cause) {
        if (countAndAllow()) {
            log.info("{} cannot connect ({}): {}", connection, soFar(), Failures.reason(cause));
        } else {
            Failures.log(log, connection, cause);
        }
    }

    /** A session handshake failed; it counts like a failed dial. */
    public void handshakeFailed(String why) {
        if (countAndAllow()) {
            log.info("{} session handshake failed ({}): {}", connection, soFar(), why);
        } else {
            log.debug("{} session handshake failed: {}", connection, why);
        }
    }

    /** The peer refused the session for a reason that will not go away by itself. */
    public void refused(String why) {
        if (throttle.allow()) {
            log.warn("{} session refused: {}", connection, why);
        } else {
            log.debug("{} session refused again: {}", connection, why);
        }
    }

    /** A link is up: the next failure is news again. */
    void reset() {
        failures = 0;
        throttle.reset();
    }

    private boolean countAndAllow() {
        counters.dialFailed();
        failures++;
        return throttle.allow();
    }

    private String soFar() {
        return failures + " attempt" + (failures == 1 ? "" : "s") + " so far";
    }
}
