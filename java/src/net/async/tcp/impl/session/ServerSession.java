/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.session;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import java.util.function.LongConsumer;
import net.async.tcp.impl.wire.SessionId;

/**
 * What a server's handshake and its {@code SessionTable} see of one accepted session: its name,
 * its thread, whether it still lives, how much its outbox holds, and the two things they do to
 * it, give it a link and end it.
 *
 * <h2>Threading</h2>
 * {@link #id} and {@link #loop} from any thread; the rest on the session's loop.
 */
public interface ServerSession {
    /** {@return the id its client made} */
    SessionId id();

    /** {@return the thread it lives on, for its whole life} */
    EventLoop loop();

    /** {@return whether it has ended} */
    boolean isEndedOnLoop();

    /**
     * A link whose HELLO opened this session or resumes it takes it over; an older link still
     * attached is closed first, and the user sees it go.
     *
     * @param handshake    the link's handshake handler, replaced by the connection's
     * @param peerReceived where the client resumes: the messages of ours it has (0 for a new session)
     * @param peerWindow   the client's session buffer, in bytes
     * @param existed      whether the session existed before this HELLO
     * @return false when {@code peerReceived} is impossible: the link is refused and the session untouched
     */
    boolean attachOnLoop(Channel ch, ChannelHandler handshake, long peerReceived, int peerWindow, boolean existed);

    /** {@return the bytes its outbox holds: sent and not yet acknowledged, or not yet sent} */
    long heldBytesOnLoop();

    /** Calls {@code grew} with each message's bytes its outbox takes from now on; {@code null} stops it. */
    void watchGrowthOnLoop(LongConsumer grew);

    /** It is lost to its client (expired, evicted, or its acceptor stopped), and ends. */
    void loseOnLoop();
}
