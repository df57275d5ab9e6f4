/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import io.netty.handler.ssl.SslContext;
import net.async.tcp.impl.Checks;

/**
 * What every connection, client or accepted, is configured with. Validated on construction so
 * that the Clojure and the Java doors reject the same values with the same words.
 *
 * <h2>Threading</h2>
 * Immutable.
 *
 * @param heartbeatPeriodMillis  a heartbeat is sent after this long without a write
 * @param heartbeatTimeoutMillis the connection is stuck after this long without a read
 * @param maxFrameSize           the longest payload accepted from or sent to a peer, in bytes
 * @param tls                    the TLS context, or {@code null} for plain TCP
 * @param session                the session mode's settings, or {@code null} when it is off
 */
public record Settings(long heartbeatPeriodMillis, long heartbeatTimeoutMillis, int maxFrameSize, SslContext tls,
                       SessionSettings session) {
    /** Milliseconds without a write before a heartbeat, unless configured. */
    public static final long DEFAULT_HEARTBEAT_PERIOD_MILLIS = 5000;
    /** The default heartbeat timeout, in heartbeat periods. */
    public static final int HEARTBEAT_TIMEOUT_PERIODS = 4;
    /** The default longest payload, in bytes: 16 MiB. */
    public static final int DEFAULT_MAX_FRAME_SIZE = 16 * 1024 * 1024;

    /**
     * Validates the values.
     *
     * @param heartbeatPeriodMillis  milliseconds without a write before a heartbeat; must be &gt; 0
     * @param heartbeatTimeoutMillis milliseconds without a read before the link is stuck; must be longer
     *                               than {@code heartbeatPeriodMillis}
     * @param maxFrameSize           the longest payload in bytes; must be &gt; 0
     * @param tls                    the TLS context, or {@code null} for plain TCP
     * @param session                the session mode's settings, or {@code null} when it is off
     * @throws IllegalArgumentException naming the value at fault
     */
    public Settings {
        Checks.positive(heartbeatPeriodMillis, "heartbeat-period");
        Checks.positive(heartbeatTimeoutMillis, "heartbeat-timeout");
        if (heartbeatTimeoutMillis <= heartbeatPeriodMillis) {
            throw new IllegalArgumentException("heartbeat-timeout must be longer than heartbeat-period ("
                    + heartbeatPeriodMillis + " ms), or every quiet connection counts as stuck: "
                    + heartbeatTimeoutMillis);
        }
        Checks.positive(maxFrameSize, "max-frame-size");
    }

    /**
     * Settings without session mode.
     *
     * @param heartbeatPeriodMillis  milliseconds without a write before a heartbeat; must be &gt; 0
     * @param heartbeatTimeoutMillis milliseconds without a read before the link is stuck
     * @param maxFrameSize           the longest payload in bytes; must be &gt; 0
     * @param tls                    the TLS context, or {@code null} for plain TCP
     */
    public Settings(long heartbeatPeriodMillis, long heartbeatTimeoutMillis, int maxFrameSize, SslContext tls) {
        this(heartbeatPeriodMillis, heartbeatTimeoutMillis, maxFrameSize, tls, null);
    }

    /**
     * Fills in the defaults for whatever is {@code null}, as the original library did.
     *
     * @param heartbeatPeriodMillis  milliseconds without a write before a heartbeat, or {@code null}
     * @param heartbeatTimeoutMillis milliseconds without a read before the link is stuck, or {@code null}
     *                               for {@value #HEARTBEAT_TIMEOUT_PERIODS} heartbeat periods
     * @param maxFrameSize           the longest payload in bytes, or {@code null}
     * @param tls                    the TLS context, or {@code null} for plain TCP
     * @param session                the session mode's settings, or {@code null} when it is off
     * @return the validated settings
     * @throws IllegalArgumentException naming the value at fault
     */
    public static Settings of(Long heartbeatPeriodMillis, Long heartbeatTimeoutMillis, Integer maxFrameSize,
                              SslContext tls, SessionSettings session) {
        long period = heartbeatPeriodMillis != null ? heartbeatPeriodMillis : DEFAULT_HEARTBEAT_PERIOD_MILLIS;
        long timeout = heartbeatTimeoutMillis != null ? heartbeatTimeoutMillis : HEARTBEAT_TIMEOUT_PERIODS * period;
        return new Settings(period, timeout, maxFrameSize != null ? maxFrameSize : DEFAULT_MAX_FRAME_SIZE, tls,
                session);
    }
}
