/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.session;

import io.netty.channel.ChannelFutureListener;
import java.util.ArrayDeque;
import java.util.function.LongConsumer;
import net.async.tcp.impl.chan.Retention;

/**
 * Session mode's {@link Retention}: every message sent in a session, numbered from 1 in the order
 * taken, kept until the peer acknowledges it, and sent again on the next link after the position
 * the peer says it has received. The one place where outgoing messages are counted.
 *
 * <pre>
 *   acked            sent
 *     │ [m a+1 … m s]  │      retain(m): m becomes s+1      ackTo(p): forget up to p
 *     └── unacked ─────┘      full when bytes ≥ capacity: the outbox stops taking
 * </pre>
 *
 * A message costs its length plus {@value #MESSAGE_OVERHEAD_BYTES} bytes of bookkeeping, so that
 * tiny messages cannot hold far more memory than the capacity says. An empty array is a
 * heartbeat on the wire, not a message: it is neither numbered nor kept.
 *
 * <h2>Threading</h2>
 * Confined to the connection's event loop.
 */
final class ReplayBuffer implements Retention {
    static final int MESSAGE_OVERHEAD_BYTES = 32;

    private final ArrayDeque<byte[]> unacked = new ArrayDeque<>();
    private final long capacityBytes;
    private long bytes;
    private long sent;
    private LongConsumer growth;

    ReplayBuffer(long capacityBytes) {
        this.capacityBytes = capacityBytes;
    }

    @Override
    public void retain(byte[] message) {
        if (message.length == 0) {
            return;
        }
        unacked.add(message);
        long cost = cost(message);
        bytes += cost;
        sent++;
        if (growth != null) {
            growth.accept(cost);
        }
    }

    @Override
    public ChannelFutureListener onWritten(int messages) {
        return null; // the peer's ack, not the socket, frees a message
    }

    @Override
    public boolean mayTake(boolean linked) {
        return bytes < capacityBytes;
    }

    @Override
    public byte[][] toResend() {
        return unacked.toArray(new byte[0][]);
    }

    /**
     * Forgets every message up to {@code position}; an older position changes nothing.
     *
     * @return false when {@code position} is beyond what was ever sent: the peer is broken
     */
    boolean ackTo(long position) {
        if (position > sent) {
            return false;
        }
        while (sent - unacked.size() < position) {
            bytes -= cost(unacked.poll());
        }
        return true;
    }

    /** A new session: the messages not acknowledged in the old one become its first ones. */
    void renumber() {
        sent = unacked.size();
    }

    /** {@code listener} hears of every byte retained from now on; {@code null} stops that. */
    void watchGrowth(LongConsumer listener) {
        this.growth = listener;
    }

    long sent() {
        return sent;
    }

    long acked() {
        return sent - unacked.size();
    }

    @Override
    public int size() {
        return unacked.size();
    }

    long bytes() {
        return bytes;
    }

    boolean isEmpty() {
        return unacked.isEmpty();
    }

    private static long cost(byte[] message) {
        return message.length + MESSAGE_OVERHEAD_BYTES;
    }
}
