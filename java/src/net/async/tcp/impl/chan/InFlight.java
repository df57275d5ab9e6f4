/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.chan;

import io.netty.channel.ChannelFutureListener;
import java.util.ArrayDeque;

/**
 * Plain mode's {@link Retention}: a message is kept until Netty reports it written to the socket,
 * so one taken while the link broke is sent on the next. While no link is up it lets the outbox
 * take a single message, held for the next link: writers wait, and the take still sees
 * write-chan closed.
 *
 * <h2>Threading</h2>
 * Confined to the outbox's event loop; write completions arrive there, in write order, so the
 * head is always the one that completed.
 */
public final class InFlight implements Retention {
    private final ArrayDeque<byte[]> messages = new ArrayDeque<>();
    private final ChannelFutureListener one = f -> {
        if (f.isSuccess()) {
            messages.poll();
        }
    };

    @Override
    public void retain(byte[] message) {
        messages.add(message);
    }

    @Override
    public ChannelFutureListener onWritten(int count) {
        return count == 1 ? one : f -> {
            if (f.isSuccess()) {
                for (int i = 0; i < count; i++) {
                    messages.poll();
                }
            }
        };
    }

    @Override
    public boolean mayTake(boolean linked) {
        return linked || messages.isEmpty();
    }

    @Override
    public int size() {
        return messages.size();
    }

    @Override
    public byte[][] toResend() {
        return messages.toArray(new byte[0][]);
    }
}
