/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.util.function.Predicate;
import net.async.tcp.impl.chan.Chans;

/**
 * Reads a channel without a thread of its own: what is there now with {@code poll!}, then one
 * {@code take!} whose callback starts over, until the handler says stop. A thousand sessions
 * need no thousand threads, and the handler never runs twice at once for one channel.
 *
 * <h3>Threading</h3>
 * Stateless; the handler runs on the caller's thread first, then on core.async's dispatch threads.
 */
final class ChanReader {
    private ChanReader() {
    }

    /** @param handle takes each value ({@code null} once the channel is closed); false: read no more */
    static void read(Object chan, Predicate<Object> handle) {
        Object value;
        while ((value = Chans.poll(chan)) != null) {
            if (!handle.test(value)) {
                return;
            }
        }
        Chans.take(chan, taken -> {
            if (handle.test(taken) && taken != null) {
                read(chan, handle);
            }
        });
    }
}
