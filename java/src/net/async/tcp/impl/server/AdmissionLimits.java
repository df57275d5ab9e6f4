/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.server;

import net.async.tcp.impl.Checks;

/**
 * What a session acceptor lets wait while its user does not take from accept-chan; see {@link Admission}.
 *
 * <h2>Threading</h2>
 * Immutable.
 *
 * @param handshakes      links that have not said HELLO yet, at once; must be &gt; 0
 * @param pendingSessions new sessions waiting for accept-chan to take them, at once; must be &gt; 0
 */
public record AdmissionLimits(int handshakes, int pendingSessions) {
    /** Links in handshake at once unless configured. */
    public static final int DEFAULT_HANDSHAKES = 1024;
    /** New sessions waiting for accept-chan unless configured. */
    public static final int DEFAULT_PENDING_SESSIONS = 128;

    /**
     * Validates the values.
     *
     * @param handshakes      links in handshake at once; must be &gt; 0
     * @param pendingSessions new sessions waiting for accept-chan at once; must be &gt; 0
     * @throws IllegalArgumentException naming the value at fault
     */
    public AdmissionLimits {
        Checks.positive(handshakes, "max-handshakes");
        Checks.positive(pendingSessions, "max-pending-sessions");
    }
}
