/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.function.Consumer;
import java.util.function.Function;
import net.async.tcp.impl.loop.Reactor;

/**
 * The {@link LinkSource} of an accepted connection: its acceptor's. A plain one has the link it was
 * accepted with and ends with it; a session gets a link each time its client resumes, and waits
 * for the next one. Either way the acceptor hears when its first link is up and when it ends.
 *
 * <h2>Threading</h2>
 * Runs on the connection's event loop.
 */
public final class Accepted implements LinkSource {
    private final Connection connection;
    private final Consumer<Connection> onReady; // announce it on accept-chan
    private final Consumer<Connection> onEnd; // its acceptor forgets it
    private final boolean resumes; // a session: its client comes back on new links

    /**
     * {@return an accepted connection}: plain, installed by {@link Connection#initChannel} on its
     * channel's thread, or a session ({@code resumes}), whose mode is given its links. {@code onReady}
     * runs once the first link is ready (after TLS, if any): one that never gets ready closes unannounced.
     */
    public static Connection connection(Reactor reactor, EventLoop loop, Object readChan, Object writeChan,
                                        Settings settings, Function<Connection, LinkMode> mode,
                                        Consumer<Connection> onReady, Consumer<Connection> onEnd, boolean resumes) {
        return new Connection(reactor, loop, readChan, writeChan, settings,
                c -> new Accepted(c, onReady, onEnd, resumes), mode);
    }

    private Accepted(Connection connection, Consumer<Connection> onReady, Consumer<Connection> onEnd, boolean resumes) {
        this.connection = connection;
        this.onReady = onReady;
        this.onEnd = onEnd;
        this.resumes = resumes;
    }

    @Override
    public void startOnLoop() {
        assert connection.loop().inEventLoop();
        throw new UnsupportedOperationException("an accepted connection does not dial");
    }

    @Override
    public boolean endsWithLink() {
        return !resumes;
    }

    @Override
    public void awaitNextLinkOnLoop() {
        assert connection.loop().inEventLoop();
        assert resumes : "an accepted connection ends with its link";
        // the session's mode waits for its client, bounded by its table
    }

    @Override
    public void linkUpOnLoop(Channel ch, boolean first) {
        assert connection.loop().inEventLoop();
        if (first) {
            onReady.accept(connection);
        }
    }

    @Override
    public void endedOnLoop() {
        assert connection.loop().inEventLoop();
        onEnd.accept(connection);
    }

    @Override
    public String toString() {
        return "accepted";
    }
}
