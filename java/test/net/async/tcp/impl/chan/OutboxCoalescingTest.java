/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.chan;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import net.async.tcp.impl.stats.Counters;
import org.junit.jupiter.api.Test;

/**
 * The {@link Outbox}'s coalesced batches of small messages stay within 64 KiB: a frame that would
 * take a batch past it starts the next one. Before, the frame that crossed 64 KiB made the pooled
 * buffer double to 128 KiB and copy the 64 KiB it held, on every batch of 1 KiB messages. An
 * {@code EmbeddedChannel} stands for the socket, so each batch written can be inspected as it is.
 *
 * <h2>Threading</h2>
 * The test thread is the embedded channel's loop.
 */
class OutboxCoalescingTest {
    private static final int BATCH_MAX = 64 * 1024;

    @Test
    void batchesOfSmallMessagesStayWithin64KiBAndNeverRegrow() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        Object writeChan = Chans.chan(1024);
        for (int i = 0; i < 128; i++) {
            assertTrue(Chans.offer(writeChan, new byte[1024]));
        }
        Outbox outbox = new Outbox(writeChan, channel.eventLoop(), 1 << 20, new NoOwner(), new InFlight(), new Counters());
        outbox.attach(channel);
        int batches = 0;
        int largest = 0;
        for (ByteBuf batch; (batch = channel.readOutbound()) != null; batches++) {
            try {
                assertTrue(batch.readableBytes() <= BATCH_MAX, "a batch of " + batch.readableBytes() + " bytes");
                assertTrue(batch.capacity() <= BATCH_MAX, "a batch buffer regrown to " + batch.capacity() + " bytes");
                largest = Math.max(largest, batch.readableBytes());
            } finally {
                batch.release();
            }
        }
        assertTrue(batches >= 1 && largest > BATCH_MAX - 2 * 1028, "batches " + batches + ", largest " + largest);
        Chans.close(writeChan);
        channel.finishAndReleaseAll();
    }

    /** An owner with nothing to add to a flush. */
    private static final class NoOwner implements Outbox.Owner {
        @Override
        public void onWriteChanClosed() {
        }

        @Override
        public void beforeFlush(Channel channel) {
        }
    }
}
