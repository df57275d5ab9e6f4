/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl;

import io.netty.channel.Channel;
import java.util.function.Consumer;

/**
 * The {@link LinkSource} of an accepted connection: its acceptor's. A plain one has the link it was
 * accepted with and ends with it; a session gets a link each time its client resumes, and waits
 * for the next one. Either way the acceptor hears when its first link is up and when it ends.
 *
 * <h2>Threading</h2>
 * Runs on the connection's event loop.
 */
final class Accepted implements LinkSource {
    private final Connection connection;
    private final Consumer<Connection> onReady; // announce it on accept-chan
    private final Consumer<Connection> onEnd; // its acceptor forgets it
    private final Runnable detached; // a session's wait for its client to resume, or null

    private Accepted(Connection connection, Consumer<Connection> onReady, Consumer<Connection> onEnd,
                     Runnable detached) {
        this.connection = connection;
        this.onReady = onReady;
        this.onEnd = onEnd;
        this.detached = detached;
    }

    /** {@return a plain accepted connection's source: the one link it was accepted with} */
    static Accepted link(Connection connection, Consumer<Connection> onReady, Consumer<Connection> onEnd) {
        return new Accepted(connection, onReady, onEnd, null);
    }

    /** {@return an accepted session's source: its client's resumes; {@code detached} starts the wait} */
    static Accepted resumes(Connection connection, Consumer<Connection> onReady, Consumer<Connection> onEnd,
                            Runnable detached) {
        return new Accepted(connection, onReady, onEnd, detached);
    }

    @Override
    public boolean endsWithLink() {
        return detached == null;
    }

    @Override
    public void awaitNextLinkOnLoop() {
        if (detached == null) {
            throw new AssertionError("an accepted connection ends with its link");
        }
        detached.run();
    }

    @Override
    public void linkUpOnLoop(Channel ch, boolean first) {
        if (first) {
            onReady.accept(connection);
        }
    }

    @Override
    public void endedOnLoop() {
        onEnd.accept(connection);
    }

    @Override
    public String toString() {
        return "accepted";
    }
}
