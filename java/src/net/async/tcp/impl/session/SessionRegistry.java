/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.session;

/**
 * What an accepted session tells the registry that holds it ({@code SessionTable}) as its links
 * come and go, so the registry can bound the sessions that wait for their clients.
 *
 * <h2>Threading</h2>
 * Called on the session's loop; implementations guard their own state.
 */
public interface SessionRegistry {
    /** {@code session} lost its link and waits for its client to resume. */
    void detached(ServerSession session);

    /** {@code session} has a link again. */
    void attached(ServerSession session);

    /**
     * {@code session} has ended: its id is free of it for good.
     *
     * @param goodbyeAt when a goodbye ended it, the messages it took of its client's; else -1
     */
    void ended(ServerSession session, long goodbyeAt);
}
