/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.session;

import net.async.tcp.impl.link.SessionSettings;
import net.async.tcp.impl.wire.ControlFrame.Ack;
import net.async.tcp.impl.wire.ControlFrame.Hello;
import net.async.tcp.impl.wire.ControlFrame.Welcome;
import net.async.tcp.impl.wire.ControlFrame;
import net.async.tcp.impl.wire.SessionId;

/**
 * One session's positions, both ways, and when to acknowledge: the bookkeeping that makes every
 * message arrive exactly once across links. Sequence numbers are implicit (both ends count,
 * nothing is added to a message); outgoing ones are counted by the {@link ReplayBuffer}, incoming
 * ones here, each in one place.
 *
 * <pre>
 *  incoming:  received ── a data frame of the current link, in order (the resume position)
 *             delivered ── on read-chan (the ack position; delivered ≤ received)
 *             acknowledged ── the last delivered position sent in an ACK
 *  ack: at once when a quarter of the peer's window was delivered since the last one,
 *       else piggybacked on the next flush, else after {@value #ACK_DELAY_MILLIS} ms
 * </pre>
 *
 * <h2>Threading</h2>
 * Confined to the connection's event loop.
 */
final class Session {
    /** The longest an ack waits for a flush to ride on. */
    static final long ACK_DELAY_MILLIS = 10;

    private final SessionSettings settings;
    private final ReplayBuffer outbound;
    private SessionId id;
    private boolean welcomed;
    private long received;
    // negative while messages of an earlier session still wait in the inbox: they are not ours to ack
    private long delivered;
    private long acknowledged;
    private long deliveredBytesSinceAck;
    private int peerWindow;

    /**
     * @param id the session's id: a new random one on a client, the client's on a server
     */
    Session(SessionSettings settings, SessionId id) {
        this.settings = settings;
        this.outbound = new ReplayBuffer(settings.bufferBytes());
        this.id = id;
    }

    SessionSettings settings() {
        return settings;
    }

    ReplayBuffer outbound() {
        return outbound;
    }

    SessionId id() {
        return id;
    }

    long received() {
        return received;
    }

    /** Whether the peer has confirmed this session: a client's HELLO then resumes it. */
    boolean isWelcomed() {
        return welcomed;
    }

    /** A client's first frame on a link: resume the session if the server confirmed it once, else open it. */
    Hello hello() {
        return new Hello(ControlFrame.VERSION, id, welcomed, received, settings.bufferBytes());
    }

    /** A server's answer to a HELLO. */
    Welcome welcome(boolean existed) {
        return new Welcome(id, existed, received, settings.bufferBytes());
    }

    /** The peer confirmed the session (a client's WELCOME), or opened or resumed it (a server's HELLO). */
    void welcomed(int newPeerWindow) {
        welcomed = true;
        peerWindow = newPeerWindow;
    }

    /**
     * Client: the session is over (lost, or ended by the server); the next link opens a new one,
     * with a new id. Positions start from 0 both ways, and what the outbound buffer still holds
     * becomes the new session's first messages.
     */
    void restart() {
        id = SessionId.random();
        welcomed = false;
        delivered -= received;
        received = 0;
        acknowledged = 0;
        deliveredBytesSinceAck = 0;
        outbound.renumber();
    }

    /** One data frame of the current link. */
    void countReceived() {
        received++;
    }

    /**
     * A message reached read-chan (or was dropped because the user closed it).
     *
     * @return true when an ack must go out now rather than wait
     */
    boolean delivered(byte[] payload) {
        if (++delivered <= 0) {
            return false; // an earlier session's message
        }
        deliveredBytesSinceAck += payload.length + ReplayBuffer.MESSAGE_OVERHEAD_BYTES;
        return deliveredBytesSinceAck >= peerWindow / 4;
    }

    boolean ackPending() {
        return delivered > acknowledged;
    }

    /** {@return the ack of everything delivered so far, counted as sent} */
    Ack ack() {
        acknowledged = delivered;
        deliveredBytesSinceAck = 0;
        return new Ack(delivered);
    }

    @Override
    public String toString() {
        return "session " + id;
    }
}
