/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

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
    private final boolean resumes; // a session: its client comes back on new links

    /** @param resumes whether links come again (a session), or the first is the only one */
    Accepted(Connection connection, Consumer<Connection> onReady, Consumer<Connection> onEnd, boolean resumes) {
        this.connection = connection;
        this.onReady = onReady;
        this.onEnd = onEnd;
        this.resumes = resumes;
    }

    @Override
    public boolean endsWithLink() {
        return !resumes;
    }

    @Override
    public void awaitNextLinkOnLoop() {
        assert resumes : "an accepted connection ends with its link";
        // the session's mode waits for its client, bounded by its table
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
