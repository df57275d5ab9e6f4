/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import io.netty.channel.Channel;
import java.util.concurrent.Executor;
import net.async.tcp.impl.chan.Inbox;
import net.async.tcp.impl.chan.Retention;
import net.async.tcp.impl.wire.ControlFrame;

/**
 * What the frames on a {@link Connection}'s links mean: {@link PlainMode}, where a link carries
 * messages as soon as it is ready and ends with a FIN, or session mode ({@code SessionProtocol}),
 * where every link starts with a handshake, acks flow back and a BYE ends the session.
 *
 * <h2>Threading</h2>
 * Every method runs on the connection's event loop.
 */
public interface LinkMode {
    /** {@return the inbox in front of read-chan, with this mode's flow control} */
    Inbox newInbox(Object readChan, Executor loop, Inbox.Valve reading);

    /** {@return what the outbox keeps of what it sent: nothing, or every message until acknowledged} */
    Retention retention();

    /** The link is ready (TCP, then TLS if any): up at once, or after a handshake. */
    void linkReadyOnLoop();

    /** The connection is up on a new link and has said {@code :connected}. */
    void linkUpOnLoop();

    /** {@return whether a message read on the link goes on to read-chan} */
    boolean payloadOnLoop();

    /** A control frame read on the link: only session mode has them. */
    void controlOnLoop(ControlFrame frame);

    /** The outbox is about to flush {@code ch}: a last chance to add a frame of its own. */
    void beforeFlushOnLoop(Channel ch);

    /** The link went down; {@code handshaking} if it went down before it was up. */
    void linkDownOnLoop(boolean handshaking);

    /** The connection goes on without a link until the next: a server's session waits for its client. */
    void detachedOnLoop();

    /** {@return whether a link lost while closing leaves the close unfinished, so the connection goes on} */
    boolean awaitsGoodbyeOnLoop();

    /** The user closed write-chan. */
    void writeChanClosedOnLoop();

    /** The connection has ended. */
    void finishedOnLoop();
}
