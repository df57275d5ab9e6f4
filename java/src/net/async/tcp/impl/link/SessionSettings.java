/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import net.async.tcp.impl.Checks;

/**
 * What session mode is configured with, on either end.
 *
 * <h2>Threading</h2>
 * Immutable.
 *
 * @param expiryMillis how long a detached session is kept, and how long a close waits for the
 *                     peer to acknowledge everything
 * @param bufferBytes  sent-but-unacknowledged bytes kept per connection before writers wait
 */
public record SessionSettings(long expiryMillis, int bufferBytes) {
    /** Milliseconds a detached session is kept unless configured: two minutes. */
    public static final long DEFAULT_EXPIRY_MILLIS = 120_000;
    /** Unacknowledged bytes kept per connection unless configured: 4 MiB. */
    public static final int DEFAULT_BUFFER_BYTES = 4 * 1024 * 1024;

    /**
     * Validates the values.
     *
     * @param expiryMillis milliseconds a detached session is kept; must be &gt; 0
     * @param bufferBytes  unacknowledged bytes kept per connection; must be &gt; 0
     * @throws IllegalArgumentException naming the value at fault
     */
    public SessionSettings {
        Checks.positive(expiryMillis, "session-expiry");
        Checks.positive(bufferBytes, "session-buffer");
    }

    /**
     * Session mode on, with the defaults for whatever is {@code null}; or off.
     *
     * @param on           whether session mode is on; {@code null} or false for off
     * @param expiryMillis milliseconds a detached session is kept, or {@code null}
     * @param bufferBytes  unacknowledged bytes kept per connection, or {@code null}
     * @return the validated settings, or {@code null} when session mode is off
     * @throws IllegalArgumentException naming the value at fault, even when session mode is off
     */
    public static SessionSettings of(Boolean on, Long expiryMillis, Integer bufferBytes) {
        SessionSettings settings = new SessionSettings(expiryMillis != null ? expiryMillis : DEFAULT_EXPIRY_MILLIS,
                bufferBytes != null ? bufferBytes : DEFAULT_BUFFER_BYTES);
        return Boolean.TRUE.equals(on) ? settings : null;
    }
}
