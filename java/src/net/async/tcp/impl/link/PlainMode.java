/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.util.concurrent.Executor;
import net.async.tcp.impl.chan.InFlight;
import net.async.tcp.impl.chan.Inbox;
import net.async.tcp.impl.chan.Retention;
import net.async.tcp.impl.wire.ControlFrame;

/**
 * The original library's links: messages as soon as the link is ready, flow control by pausing
 * reads while read-chan is backed up, and a close that flushes every message, then sends FIN.
 *
 * <h2>Threading</h2>
 * Stateless beyond its connection; runs on the connection's event loop.
 */
public final class PlainMode implements LinkMode {
    private final Connection connection;

    public PlainMode(Connection connection) {
        this.connection = connection;
    }

    @Override
    public Inbox newInbox(Object readChan, Executor loop, Inbox.Valve reading) {
        return new Inbox(readChan, loop, reading, dropped -> { });
    }

    @Override
    public Retention retention() {
        return new InFlight();
    }

    @Override
    public void linkReadyOnLoop() {
        assert connection.loop().inEventLoop();
        connection.linkUpOnLoop();
    }

    @Override
    public void linkUpOnLoop() {
        assert connection.loop().inEventLoop();
    }

    @Override
    public boolean payloadOnLoop() {
        assert connection.loop().inEventLoop();
        return true;
    }

    @Override
    public void controlOnLoop(ControlFrame frame) {
        assert connection.loop().inEventLoop();
        throw new AssertionError("a plain link's decoder never yields " + frame);
    }

    @Override
    public void beforeFlushOnLoop(Channel ch) {
        assert connection.loop().inEventLoop();
    }

    @Override
    public void linkDownOnLoop(boolean handshaking) {
        assert connection.loop().inEventLoop();
    }

    @Override
    public void detachedOnLoop() {
        assert connection.loop().inEventLoop();
    }

    @Override
    public boolean awaitsGoodbyeOnLoop() {
        assert connection.loop().inEventLoop();
        return false;
    }

    @Override
    public void writeChanClosedOnLoop() {
        assert connection.loop().inEventLoop();
        if (connection.isUp()) {
            // completes after every earlier write, so all that was written reaches the socket first
            connection.closingOnLoop();
            GracefulClose.after(connection.link(), Unpooled.EMPTY_BUFFER);
        } else if (!connection.isClosing()) {
            connection.finishOnLoop();
        }
    }

    @Override
    public void finishedOnLoop() {
        assert connection.loop().inEventLoop();
    }

    @Override
    public String toString() {
        return "";
    }
}
