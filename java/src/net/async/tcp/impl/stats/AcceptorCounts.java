/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.stats;

/**
 * What acceptors count, beside their connections' counters: one acceptor's, or the sum of a
 * loop's. The first four only grow; {@code handshaking} and {@code pendingSessions} are levels now.
 *
 * <h2>Threading</h2>
 * Immutable.
 *
 * @param accepted          links accepted
 * @param rejected          links closed at once because max-connections were alive
 * @param evicted           detached sessions evicted
 * @param handshakesRefused links closed at once because max-handshakes were in handshake
 * @param sessionsRefused   new sessions refused because max-pending-sessions waited for accept-chan
 * @param handshaking       links that have not said HELLO yet, now
 * @param pendingSessions   new sessions waiting for accept-chan to take them, now
 */
public record AcceptorCounts(long accepted, long rejected, long evicted, long handshakesRefused, long sessionsRefused,
                      long handshaking, long pendingSessions) {
    public static final AcceptorCounts NONE = new AcceptorCounts(0, 0, 0, 0, 0, 0, 0);

    public AcceptorCounts plus(AcceptorCounts o) {
        return new AcceptorCounts(accepted + o.accepted, rejected + o.rejected, evicted + o.evicted,
                handshakesRefused + o.handshakesRefused, sessionsRefused + o.sessionsRefused,
                handshaking + o.handshaking, pendingSessions + o.pendingSessions);
    }

    /** {@return the counters of an acceptor that has closed: nothing waits at it any more} */
    public AcceptorCounts closed() {
        return new AcceptorCounts(accepted, rejected, evicted, handshakesRefused, sessionsRefused, 0, 0);
    }
}
