/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.SocketAddress;

/**
 * Where a {@link Connection}'s links come from, and so what a lost one means: a client dials them
 * and redials after a loss ({@link Redial}); an accepted connection has the one link it was
 * accepted with, or, carrying a session, one each time its client resumes ({@link Accepted}).
 *
 * <h2>Threading</h2>
 * Every method but {@link #server} runs on the connection's event loop.
 */
interface LinkSource {
    /** {@return whether the connection ends when its link does} */
    boolean endsWithLink();

    /** The link is lost and the connection goes on: the next link comes in its time. */
    void awaitNextLinkOnLoop();

    /** A client starts dialing; accepted connections come with their link. */
    default void startOnLoop() {
        throw new UnsupportedOperationException("an accepted connection does not dial");
    }

    /** A link of the connection is up: its {@code first}, or a later one. */
    default void linkUpOnLoop(Channel ch, boolean first) {
    }

    /** The connection has ended: nothing may start a link again. */
    default void endedOnLoop() {
    }

    /** {@return the TLS handler of a new link: a server's, unless this side dials} */
    default SslHandler newTlsHandler(SslContext context, ByteBufAllocator alloc) {
        return context.newHandler(alloc);
    }

    /** {@return the server of the current or last link, from any thread; {@code null} unless this side dials} */
    default SocketAddress server() {
        return null;
    }
}
