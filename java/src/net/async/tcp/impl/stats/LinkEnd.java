/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.stats;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import net.async.tcp.Stats.Cause;

/**
 * Why a link went down, noted on the link by whoever closes it (the heartbeat handler, the
 * connection on an error or at shutdown) and read once it is down. A link nobody noted was
 * closed by its peer.
 *
 * <h2>Threading</h2>
 * Stateless; the note is a channel attribute, set and read on the link's thread.
 */
public final class LinkEnd {
    private static final AttributeKey<Cause> CAUSE = AttributeKey.valueOf(LinkEnd.class, "cause");

    private LinkEnd() {
    }

    /** Notes why {@code link} is about to close, unless a cause is noted already: the first one is why. */
    public static void note(Channel link, Cause cause) {
        link.attr(CAUSE).setIfAbsent(cause);
    }

    public static Cause of(Channel link) {
        Cause cause = link.attr(CAUSE).get();
        return cause == null ? Cause.PEER_CLOSED : cause;
    }
}
