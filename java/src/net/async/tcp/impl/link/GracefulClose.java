/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;

/**
 * Ends a link with a FIN once its last frame is written, then reads and drops whatever still
 * arrives until the peer closes too. A plain close with unread input sends RST instead, and an RST
 * makes the peer discard what it has not read yet: our last messages. A peer that goes silent is
 * dropped as stuck, as ever.
 *
 * <h2>Threading</h2>
 * Stateless; called on the link's event loop, and the write's listener runs there too.
 */
public final class GracefulClose {
    private GracefulClose() {
    }

    /** Writes {@code last} after everything written before it, then shuts down the output. */
    public static void after(Channel ch, Object last) {
        ch.writeAndFlush(last).addListener(written -> {
            ((DuplexChannel) ch).shutdownOutput();
            ch.config().setAutoRead(true);
        });
    }
}
