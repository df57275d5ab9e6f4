/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.session;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.concurrent.TimeUnit;
import net.async.tcp.impl.link.Connection;

/**
 * When a session acknowledges what read-chan took: at once when a quarter of the peer's window
 * is unacknowledged, else riding on the next flush of ours, else after
 * {@value Session#ACK_DELAY_MILLIS} ms. Without a link no ack is sent: the next HELLO or
 * WELCOME carries the position.
 *
 * <h2>Threading</h2>
 * Confined to the session's event loop.
 */
final class Acks {
    private final Connection connection;
    private final EventLoop loop;
    private final Session session;
    private final Runnable late = this::lateOnLoop; // one task for every arming, not one per arming
    private boolean armed;

    Acks(Connection connection, Session session) {
        this.connection = connection;
        this.loop = connection.loop();
        this.session = session;
    }

    /** A value reached read-chan (or was dropped there): count it, and acknowledge now or soon. */
    void deliveredOnLoop(Object value) {
        assert loop.inEventLoop();
        if (!(value instanceof byte[] payload)) {
            return;
        }
        if (session.delivered(payload)) {
            sendOnLoop();
        } else if (!armed && session.ackPending()) {
            armed = true;
            loop.schedule(late, Session.ACK_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Data of ours is about to be flushed on {@code ch}: a pending ack rides along. */
    void beforeFlushOnLoop(Channel ch) {
        assert loop.inEventLoop();
        if (connection.isUp() && session.ackPending()) {
            ch.write(session.ack().encode(ch.alloc()), ch.voidPromise());
        }
    }

    private void lateOnLoop() {
        assert loop.inEventLoop();
        armed = false;
        if (session.ackPending()) {
            sendOnLoop();
        }
    }

    private void sendOnLoop() {
        assert loop.inEventLoop();
        Channel ch = connection.link();
        if (ch != null && connection.isUp()) {
            ch.writeAndFlush(session.ack().encode(ch.alloc()), ch.voidPromise());
        }
    }
}
