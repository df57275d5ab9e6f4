/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.async.tcp.impl.chan.Chans;
import net.async.tcp.impl.chan.InFlight;
import net.async.tcp.impl.chan.Outbox;
import net.async.tcp.impl.chan.Retention;
import net.async.tcp.impl.chan.WrittenPromise;
import net.async.tcp.impl.stats.Counters;
import org.junit.jupiter.api.Test;

/**
 * The promise each of the {@link Outbox}'s writes carries, through the whole {@link Pipeline} on
 * an {@code EmbeddedChannel} with a frozen clock: in plain mode one {@link WrittenPromise} per
 * write, which releases what the write carried once it succeeded, keeps it when it failed, and
 * still counts for the "idle" handler's writer-idle; for a retention that needs no word of the
 * write (session mode's) Netty's void promise.
 *
 * <h2>Threading</h2>
 * The test thread is the embedded channel's loop.
 */
class OutboxWritePromiseTest {
    private static final Settings FAST = new Settings(50, 200, 1024, null);

    private final List<ChannelPromise> promises = new ArrayList<>();

    @Test
    void plainWritesCarryOneWrittenPromiseThatReleasesTheMessagesAndCountsAsAWrite() {
        EmbeddedChannel ch = pipeline();
        Object writeChan = writeChanHolding("a", "b", "c");
        Outbox outbox = new Outbox(writeChan, ch.eventLoop(), 1024, new NoOwner(), new InFlight(), new Counters());
        advance(ch, 40);
        outbox.attach(ch);
        assertEquals(1, promises.size(), "three small messages, one coalesced write");
        assertInstanceOf(WrittenPromise.class, promises.get(0));
        assertTrue(promises.get(0).isSuccess());
        assertEquals(0, outbox.waiting(), "written: nothing kept for the next link");
        ByteBuf frames = ch.readOutbound();
        try {
            assertArrayEquals(new byte[] {0, 0, 0, 1, 'a', 0, 0, 0, 1, 'b', 0, 0, 0, 1, 'c'}, ByteBufUtil.getBytes(frames));
        } finally {
            frames.release();
        }
        advance(ch, 10);
        assertNull(ch.readOutbound(), "50 ms after the start but 10 ms after a write: no heartbeat yet");
        advance(ch, 40);
        ByteBuf heartbeat = ch.readOutbound();
        try {
            assertArrayEquals(new byte[4], ByteBufUtil.getBytes(heartbeat), "50 ms after the write");
        } finally {
            heartbeat.release();
        }
        Chans.close(writeChan);
        ch.finishAndReleaseAll();
    }

    @Test
    void aFailedWriteKeepsItsMessagesForTheNextLink() {
        EmbeddedChannel ch = pipeline();
        ch.pipeline().addFirst("broken-socket", new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ReferenceCountUtil.release(msg);
                promise.setFailure(new IOException("broken pipe"));
            }
        });
        Object writeChan = writeChanHolding("a", "b");
        Outbox outbox = new Outbox(writeChan, ch.eventLoop(), 1024, new NoOwner(), new InFlight(), new Counters());
        outbox.attach(ch);
        assertEquals(1, promises.size());
        assertTrue(promises.get(0).cause() instanceof IOException);
        assertEquals(2, outbox.waiting(), "not written: both wait for the next link");
        Chans.close(writeChan);
        ch.finishAndReleaseAll();
    }

    @Test
    void aRetentionThatNeedsNoWordOfTheWriteGetsTheVoidPromise() {
        EmbeddedChannel ch = pipeline();
        Object writeChan = writeChanHolding("a");
        Outbox outbox = new Outbox(writeChan, ch.eventLoop(), 1024, new NoOwner(), new KeepsAll(), new Counters());
        outbox.attach(ch);
        assertEquals(1, promises.size());
        assertTrue(promises.get(0).isVoid(), "as a session's, freed by the peer's ack rather than by the socket");
        assertEquals(1, outbox.waiting());
        Chans.close(writeChan);
        ch.finishAndReleaseAll();
    }

    /** The whole pipeline, with a last handler that notes the promise of every write it sees first. */
    private EmbeddedChannel pipeline() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        Pipeline.install(ch.pipeline(), FAST, null, new ChannelDuplexHandler() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                promises.add(promise);
                ctx.write(msg, promise);
            }
        }, new Counters());
        return ch;
    }

    private static Object writeChanHolding(String... messages) {
        Object writeChan = Chans.chan(8);
        for (String message : messages) {
            assertTrue(Chans.offer(writeChan, message.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return writeChan;
    }

    /** Advances the frozen clock in 10 ms steps, running what falls due. */
    private static void advance(EmbeddedChannel ch, long millis) {
        for (long done = 0; done < millis; done += 10) {
            ch.advanceTimeBy(10, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
        }
    }

    /** Keeps every message, as a session's replay buffer does until acknowledged: no listener on writes. */
    private static final class KeepsAll implements Retention {
        private final List<byte[]> kept = new ArrayList<>();

        @Override
        public void retain(byte[] message) {
            kept.add(message);
        }

        @Override
        public io.netty.channel.ChannelFutureListener onWritten(int messages) {
            return null;
        }

        @Override
        public boolean mayTake(boolean linked) {
            return true;
        }

        @Override
        public int size() {
            return kept.size();
        }

        @Override
        public byte[][] toResend() {
            return kept.toArray(new byte[0][]);
        }
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
