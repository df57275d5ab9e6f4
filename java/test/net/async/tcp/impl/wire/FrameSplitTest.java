/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.ArrayList;
import java.util.List;
import net.async.tcp.Frames;
import net.async.tcp.impl.stats.AcceptorCounts;
import net.async.tcp.impl.stats.Counters;
import net.async.tcp.impl.wire.ControlFrame.Ack;
import net.async.tcp.impl.wire.ControlFrame.Bye;
import net.async.tcp.impl.wire.ControlFrame.Hello;
import org.junit.jupiter.api.Test;

/**
 * {@link FrameDecoder} fed a stream cut anywhere: at every single position, into reads of every
 * small size, and large frames over many reads around the point where the payload is allocated.
 * Whatever the cuts, the same payloads and control frames come out in the same order, each read
 * buffer is released (paranoid leak detection, and reference counts checked), and the payload is
 * never allocated more than {@link FrameDecoder#ALLOCATE_AHEAD} bytes ahead of what arrived.
 *
 * <h2>Threading</h2>
 * The test thread, which is each {@code EmbeddedChannel}'s event loop.
 */
class FrameSplitTest {
    private static final int MAX = 4 << 20;
    private static final SessionId ID = SessionId.random();

    /** Heartbeats, small frames and control frames, interleaved. */
    private static final byte[] MIXED = Frames.concat(Frames.heartbeat(), Frames.frame(1),
            ControlFrameTest.bytes(new Hello(1, ID, true, 7, 1024)), Frames.frame(300), Frames.heartbeat(),
            Frames.heartbeat(), ControlFrameTest.bytes(new Ack(42)), Frames.frame(5), Frames.frame(4),
            ControlFrameTest.bytes(new Bye(9)), Frames.heartbeat(), Frames.frame(2));
    private static final List<Object> MIXED_EXPECTED = List.of(Frames.payload(1, 0), new Hello(1, ID, true, 7, 1024),
            Frames.payload(300, 0), new Ack(42), Frames.payload(5, 0), Frames.payload(4, 0), new Bye(9),
            Frames.payload(2, 0));

    @Test
    void aStreamCutAtEveryPositionDecodesTheSame() {
        for (int cut = 0; cut <= MIXED.length; cut++) {
            Run run = new Run(true);
            run.feed(MIXED, 0, cut);
            run.feed(MIXED, cut, MIXED.length - cut);
            run.assertSeen(MIXED_EXPECTED, "cut at " + cut);
            assertEquals(4, run.heartbeats(), "cut at " + cut);
        }
    }

    @Test
    void aStreamInReadsOfEverySmallSizeDecodesTheSame() {
        for (int size = 1; size <= 40; size++) {
            Run run = new Run(true);
            run.feedInReads(MIXED, size);
            run.assertSeen(MIXED_EXPECTED, "reads of " + size);
        }
    }

    @Test
    void largeFramesOverManyReadsOfAnySize() {
        int ahead = FrameDecoder.ALLOCATE_AHEAD;
        int[] lengths = {ahead - 1, ahead, ahead + 1, ahead + 5, 3 * ahead + 17, 1 << 20};
        byte[][] payloads = new byte[lengths.length][];
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < lengths.length; i++) {
            payloads[i] = Frames.payload(lengths[i], i);
            frames.add(Frames.frame(payloads[i]));
            frames.add(Frames.heartbeat());
            frames.add(Frames.frame(Frames.payload(3, i)));
        }
        byte[] stream = Frames.concat(frames.toArray(byte[][]::new));
        List<Object> expected = new ArrayList<>();
        for (int i = 0; i < lengths.length; i++) {
            expected.add(payloads[i]);
            expected.add(Frames.payload(3, i));
        }
        for (int size : new int[] {1000, 4093, 8192, 8193, 65536, 65540, 100_000, stream.length}) {
            Run run = new Run(false);
            run.feedInReads(stream, size);
            run.assertSeen(expected, "reads of " + size);
            assertEquals(lengths.length, run.heartbeats());
        }
    }

    @Test
    void aLargeFrameCutAroundWhereItsPayloadIsAllocated() {
        int length = 3 * FrameDecoder.ALLOCATE_AHEAD;
        byte[] payload = Frames.payload(length, 9);
        byte[] stream = Frames.concat(Frames.frame(payload), Frames.frame(Frames.payload(2, 0)));
        int threshold = FrameDecoder.HEADER_BYTES + length - FrameDecoder.ALLOCATE_AHEAD;
        for (int cut : new int[] {1, 3, 4, 5, threshold - 1, threshold, threshold + 1, stream.length - 7,
                stream.length - 6, stream.length - 2}) {
            Run run = new Run(false);
            // a trickle up to the cut, one large read after it
            for (int i = 0; i < cut; i += 977) {
                run.feed(stream, i, Math.min(977, cut - i));
            }
            run.feed(stream, cut, stream.length - cut);
            run.assertSeen(List.of(payload, Frames.payload(2, 0)), "cut at " + cut);
        }
    }

    @Test
    void aLargeFrameTrickledByteByByteStagesRatherThanHoldingEveryRead() {
        int length = FrameDecoder.ALLOCATE_AHEAD + 3000;
        byte[] payload = Frames.payload(length, 1);
        Run run = new Run(false);
        run.feedInReads(Frames.frame(payload), 1);
        run.assertSeen(List.of(payload), "trickled");
    }

    @Test
    void anOversizeLengthIsRejectedBeforeAnythingIsAllocated() {
        Run run = new Run(false, 1000);
        run.feed(Frames.concat(Frames.frame(3), Frames.header(1001), Frames.payload(500, 0)));
        assertEquals(0, run.decoder.allocatedBytes());
        assertEquals(2, run.seen.size(), String.valueOf(run.seen));
        assertArrayEquals(Frames.payload(3, 0), (byte[]) run.seen.get(0));
        assertInstanceOf(TooLongFrameException.class, run.seen.get(1));
        run.close();
    }

    @Test
    void aNegativeLengthSplitAcrossReadsIsRejected() {
        Run run = new Run(false);
        byte[] stream = Frames.concat(Frames.header(-5), Frames.frame(3));
        run.feed(stream, 0, 2);
        run.feed(stream, 2, stream.length - 2);
        assertEquals(1, run.seen.size(), String.valueOf(run.seen));
        assertInstanceOf(CorruptedFrameException.class, run.seen.get(0));
        run.close();
    }

    @Test
    void aLargeHeaderAloneAllocatesNothing() {
        Run run = new Run(false);
        run.feed(Frames.header(MAX));
        run.feed(Frames.payload(10_000, 0));
        assertEquals(0, run.decoder.allocatedBytes(), "allocated on the header alone");
        assertEquals(FrameDecoder.HEADER_BYTES + 10_000, run.decoder.heldBytes());
        run.close();
    }

    @Test
    void readsHeldForAnUnfinishedFrameAreReleasedWhenTheLinkCloses() {
        Run run = new Run(false);
        List<ByteBuf> reads = new ArrayList<>();
        byte[] stream = Frames.frame(1 << 20);
        for (int offset = 0; offset < 500_000; offset += 65536) {
            ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(65536);
            read.writeBytes(stream, offset, 65536);
            reads.add(read);
            run.channel.writeInbound(read);
        }
        assertEquals(0, run.decoder.allocatedBytes());
        assertTrue(run.decoder.heldBytes() > 500_000);
        assertTrue(reads.stream().anyMatch(read -> read.refCnt() > 0), "nothing held as it was read");
        run.close();
        for (ByteBuf read : reads) {
            assertEquals(0, read.refCnt(), "a read still held after the close");
        }
        assertTrue(run.seen.isEmpty(), String.valueOf(run.seen));
    }

    /** One decoder on an embedded channel, and what it hands on; exceptions close it, as a connection does. */
    private static final class Run {
        final List<Object> seen = new ArrayList<>();
        final Counters counters = new Counters();
        final FrameDecoder decoder;
        final EmbeddedChannel channel;

        Run(boolean sessions) {
            this(sessions, MAX);
        }

        Run(boolean sessions, int max) {
            decoder = new FrameDecoder(max, sessions);
            decoder.countInto(counters);
            channel = new EmbeddedChannel(decoder, new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    seen.add(msg);
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    seen.add(cause);
                    ctx.close();
                }
            });
        }

        void feed(byte[] bytes) {
            feed(bytes, 0, bytes.length);
        }

        void feed(byte[] bytes, int offset, int length) {
            if (length > 0 && channel.isOpen()) {
                // a copy, so that nothing the decoder keeps can alias the test's array
                channel.writeInbound(Unpooled.copiedBuffer(bytes, offset, length));
                int held = decoder.heldBytes();
                assertTrue(held <= MAX + FrameDecoder.HEADER_BYTES, "holds " + held);
                assertTrue(decoder.allocatedBytes() <= held + FrameDecoder.ALLOCATE_AHEAD,
                        "allocated " + decoder.allocatedBytes() + " holding " + held);
            }
        }

        void feedInReads(byte[] bytes, int size) {
            for (int offset = 0; offset < bytes.length; offset += size) {
                feed(bytes, offset, Math.min(size, bytes.length - offset));
            }
        }

        long heartbeats() {
            return counters.snapshot("", 0, 0, 0, AcceptorCounts.NONE).heartbeatsIn();
        }

        void assertSeen(List<Object> expected, String what) {
            assertEquals(0, decoder.heldBytes(), what + ": bytes left over");
            assertEquals(expected.size(), seen.size(), what + ": " + seen);
            for (int i = 0; i < expected.size(); i++) {
                if (expected.get(i) instanceof byte[] payload) {
                    assertArrayEquals(payload, (byte[]) seen.get(i), what + ": frame " + i);
                } else {
                    assertEquals(expected.get(i), seen.get(i), what + ": frame " + i);
                }
            }
            close();
        }

        void close() {
            channel.finishAndReleaseAll();
        }
    }
}
