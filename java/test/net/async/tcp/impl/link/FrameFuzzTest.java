/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.async.tcp.Frames;
import net.async.tcp.impl.stats.Counters;
import net.async.tcp.impl.wire.FrameDecoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the inbound side of the real pipeline ({@link Pipeline#install}, so "idle",
 * "frame-decoder", "frame-encoder" and "heartbeat") on an {@code EmbeddedChannel}: arbitrary bytes,
 * cut into chunks at fuzzer-chosen points, must decode to exactly what a 20-line reference parser
 * reads from the whole stream, whatever the cuts.
 *
 * <pre>
 * input:  [control] [size_1 … size_n] [stream …]
 *   control bits 0-3: n, the number of chunk sizes that follow (each 1 + byte, used in turn)
 *   control bits 4-5: max-frame-size, one of 1024, 1, 5, 300
 * </pre>
 *
 * Checked on every input: only TooLongFrameException or CorruptedFrameException (maybe wrapped in
 * DecoderException) comes out, and only where the reference finds a bad length; payloads are
 * non-empty, at most max-frame-size, and nothing is delivered after the bad length; the decoder
 * never holds more than max-frame-size + 4 bytes, nor allocates a payload more than
 * {@link FrameDecoder#ALLOCATE_AHEAD} bytes ahead of what it holds; every buffer is released (paranoid leak detection).
 *
 * <p>{@code mvn test} runs the seeds under {@code java/test-resources/net/async/tcp/impl/link/FrameFuzzTestInputs}
 * and then fuzzes this target for 15 s (the surefire execution "fuzz" in pom.xml). A longer run:
 * <pre>
 *   mvn test-compile surefire:test@fuzz -Dfuzz.duration=10m
 * </pre>
 * Crashes and the generated corpus go to {@code target/jazzer/}; to keep a crash as a regression
 * seed, copy it into the inputs directory above.
 *
 * <h2>Threading</h2>
 * Jazzer's thread runs each input through an embedded channel, which is its own event loop.
 */
class FrameFuzzTest {
    private static final int[] MAX_FRAME_SIZES = {1024, 1, 5, 300};
    private static final Settings SLOW_HEARTBEATS = new Settings(60_000, 240_000, 1024, null);

    private static final FuzzStats STATS = new FuzzStats("FrameFuzzTest.decode");

    @AfterAll
    static void printStats() {
        STATS.print();
    }

    @FuzzTest(maxDuration = "20s")
    void decode(byte[] input) {
        STATS.count();
        if (input.length == 0) {
            return;
        }
        int control = input[0] & 0xff;
        int sizes = Math.min(control & 0x0f, input.length - 1);
        int max = MAX_FRAME_SIZES[(control >> 4) & 0x3];
        int[] chunkSizes = new int[sizes];
        for (int i = 0; i < sizes; i++) {
            chunkSizes[i] = 1 + (input[1 + i] & 0xff);
        }
        byte[] stream = Arrays.copyOfRange(input, 1 + sizes, input.length);
        check(stream, chunkSizes, max);
    }

    /** The seeds' shapes, cut at every offset, also without Jazzer's help. */
    @Test
    void everyCutOfEveryShape() {
        byte[][] streams = {
                Frames.concat(Frames.frame(3), Frames.heartbeat(), Frames.frame(1)),
                Frames.concat(Frames.frame(2), Frames.header(-1), Frames.frame(2)),
                Frames.concat(Frames.frame(2), Frames.header(5000), Frames.frame(2)),
                Frames.concat(Frames.header(0x7fffffff), new byte[10]),
                Frames.concat(Frames.frame(300), Frames.frame(301), Frames.frame(3)),
                Arrays.copyOf(Frames.frame(100), 50),
        };
        for (byte[] stream : streams) {
            for (int cut = 1; cut <= stream.length; cut++) {
                check(stream, new int[] {cut}, 300);
            }
        }
    }

    @Test
    void somethingAfterABadLengthIsNeverDelivered() {
        // the frame after an oversize one is whole in the same read; it must not come out on close
        Outcome outcome = check(Frames.concat(Frames.frame(2000), Frames.frame(3)), new int[0], 1024);
        assertTrue(outcome.failure instanceof TooLongFrameException, String.valueOf(outcome.failure));
        assertEquals(0, outcome.payloads.size());
    }

    static Outcome check(byte[] stream, int[] chunkSizes, int max) {
        Reference expected = Reference.parse(stream, max);
        Collector collector = new Collector();
        EmbeddedChannel channel = new EmbeddedChannel();
        Settings settings = new Settings(SLOW_HEARTBEATS.heartbeatPeriodMillis(),
                SLOW_HEARTBEATS.heartbeatTimeoutMillis(), max, null);
        Pipeline.install(channel.pipeline(), settings, null, collector, new Counters());
        FrameDecoder decoder = (FrameDecoder) channel.pipeline().get("frame-decoder");
        try {
            int offset = 0;
            for (int i = 0; offset < stream.length && channel.isOpen(); i++) {
                int size = chunkSizes.length == 0 ? stream.length : chunkSizes[i % chunkSizes.length];
                int end = Math.min(stream.length, offset + size);
                channel.writeInbound(Unpooled.wrappedBuffer(stream, offset, end - offset));
                channel.runPendingTasks();
                offset = end;
                int held = decoder.heldBytes();
                assertTrue(held <= max + FrameDecoder.HEADER_BYTES, "decoder holds " + held + " bytes, max " + max);
                int allocated = decoder.allocatedBytes();
                assertTrue(allocated <= held + FrameDecoder.ALLOCATE_AHEAD,
                        "decoder allocated " + allocated + " bytes, holding " + held);
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        assertNull(collector.unexpected, () -> "unexpected: " + collector.unexpected);
        for (byte[] payload : collector.payloads) {
            assertTrue(payload.length > 0 && payload.length <= max, "payload of " + payload.length + " bytes");
        }
        assertEquals(expected.payloads.size(), collector.payloads.size(), "payload count");
        for (int i = 0; i < expected.payloads.size(); i++) {
            assertArrayEquals(expected.payloads.get(i), collector.payloads.get(i), "payload " + i);
        }
        assertEquals(expected.bad, collector.failure != null, () -> "failure: " + collector.failure);
        assertFalse(collector.readAfterFailure, "a payload was delivered after the bad length");
        return new Outcome(collector.payloads, collector.failure);
    }

    record Outcome(List<byte[]> payloads, Throwable failure) {
    }

    /** What the stream holds, read whole: frames up to the first bad length. */
    record Reference(List<byte[]> payloads, boolean bad) {
        static Reference parse(byte[] stream, int max) {
            List<byte[]> payloads = new ArrayList<>();
            ByteBuffer in = ByteBuffer.wrap(stream);
            while (in.remaining() >= FrameDecoder.HEADER_BYTES) {
                int length = in.getInt();
                if (length < 0 || length > max) {
                    return new Reference(payloads, true);
                }
                if (in.remaining() < length) {
                    break;
                }
                byte[] payload = new byte[length];
                in.get(payload);
                if (length > 0) {
                    payloads.add(payload);
                }
            }
            return new Reference(payloads, false);
        }
    }

    /** Stands where the connection's handler stands, and closes on a failure as it does. */
    private static final class Collector extends ChannelInboundHandlerAdapter {
        final List<byte[]> payloads = new ArrayList<>();
        Throwable failure;
        Object unexpected;
        boolean readAfterFailure;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof byte[] payload)) {
                unexpected = msg;
                return;
            }
            if (failure != null) {
                readAfterFailure = true;
            }
            payloads.add(payload);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Throwable codec = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
            boolean expected = codec instanceof TooLongFrameException || codec instanceof CorruptedFrameException;
            if (failure != null || !expected) {
                unexpected = cause;
            }
            failure = codec;
            ctx.close();
        }
    }
}
