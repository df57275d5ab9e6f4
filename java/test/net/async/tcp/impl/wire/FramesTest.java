/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.wire;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link FrameDecoder} and {@link FrameEncoder} on an {@link EmbeddedChannel}: the wire format without sockets. */
class FramesTest {
    private static final int MAX_FRAME = 64;

    @Test
    void decodesFramesSplitAtEveryOffset() {
        byte[] stream = concat(frame("abc"), frame(""), frame("hello, world"), frame(""));
        for (int split = 0; split <= stream.length; split++) {
            EmbeddedChannel ch = decoder();
            ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(stream, 0, split)));
            ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(stream, split, stream.length)));
            assertEquals(List.of("abc", "hello, world"), inbound(ch), "split at " + split);
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void decodesFramesFedOneByteAtATime() {
        byte[] stream = concat(frame("x"), frame(""), frame("yz"));
        EmbeddedChannel ch = decoder();
        for (byte b : stream) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertEquals(List.of("x", "yz"), inbound(ch));
        ch.finishAndReleaseAll();
    }

    @Test
    void dropsHeartbeatFrames() {
        EmbeddedChannel ch = decoder();
        ch.writeInbound(Unpooled.wrappedBuffer(concat(frame(""), frame(""), frame(""))));
        assertNull(ch.readInbound());
        ch.finishAndReleaseAll();
    }

    @Test
    void decodesAPayloadOfExactlyMaxFrameSize() {
        byte[] payload = new byte[MAX_FRAME];
        Arrays.fill(payload, (byte) 7);
        EmbeddedChannel ch = decoder();
        ch.writeInbound(Unpooled.wrappedBuffer(frame(payload)));
        assertArrayEquals(payload, ch.readInbound());
        ch.finishAndReleaseAll();
    }

    @Test
    void lengthOverMaxFrameSizeRaisesTooLongFrameExceptionOnTheHeaderAlone() {
        EmbeddedChannel ch = decoder();
        assertThrows(TooLongFrameException.class, () -> ch.writeInbound(header(MAX_FRAME + 1)));
        ch.finishAndReleaseAll();
    }

    @Test
    void negativeLengthRaisesCorruptedFrameException() {
        for (int negative : new int[] {-1, Integer.MIN_VALUE}) {
            EmbeddedChannel ch = decoder();
            assertThrows(CorruptedFrameException.class, () -> ch.writeInbound(header(negative)), "length " + negative);
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void encodesAPayloadAsItsBigEndianLengthThenItsBytes() {
        EmbeddedChannel ch = new EmbeddedChannel(FrameEncoder.INSTANCE);
        ch.writeOutbound("abc".getBytes(UTF_8));
        assertArrayEquals(new byte[] {0, 0, 0, 3, 'a', 'b', 'c'}, outbound(ch));
        byte[] large = new byte[70_000];
        ch.writeOutbound(large);
        assertArrayEquals(frame(large), outbound(ch));
        ch.finishAndReleaseAll();
    }

    @Test
    void encodesTheEmptyArrayAsAHeartbeatOfFourZeroBytes() {
        EmbeddedChannel ch = new EmbeddedChannel(FrameEncoder.INSTANCE);
        ch.writeOutbound(FrameEncoder.HEARTBEAT);
        assertArrayEquals(new byte[4], outbound(ch));
        ch.finishAndReleaseAll();
    }

    @Test
    void encoderOutputDecodesBackToTheSamePayloads() {
        EmbeddedChannel out = new EmbeddedChannel(FrameEncoder.INSTANCE);
        out.writeOutbound("one".getBytes(UTF_8), new byte[0], "two".getBytes(UTF_8));
        EmbeddedChannel in = decoder();
        for (ByteBuf buf = out.readOutbound(); buf != null; buf = out.readOutbound()) {
            in.writeInbound(buf);
        }
        assertEquals(List.of("one", "two"), inbound(in));
        out.finishAndReleaseAll();
        in.finishAndReleaseAll();
    }

    static byte[] frame(String payload) {
        return frame(payload.getBytes(UTF_8));
    }

    static byte[] frame(byte[] payload) {
        return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
    }

    private static ByteBuf header(int length) {
        return Unpooled.buffer(4).writeInt(length);
    }

    private static EmbeddedChannel decoder() {
        return new EmbeddedChannel(new FrameDecoder(MAX_FRAME));
    }

    private static List<String> inbound(EmbeddedChannel ch) {
        List<String> payloads = new ArrayList<>();
        for (byte[] payload = ch.readInbound(); payload != null; payload = ch.readInbound()) {
            payloads.add(new String(payload, UTF_8));
        }
        return payloads;
    }

    /** Everything written so far, as one array; releases the buffers. */
    private static byte[] outbound(EmbeddedChannel ch) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (ByteBuf buf = ch.readOutbound(); buf != null; buf = ch.readOutbound()) {
            bytes.writeBytes(ByteBufUtil.getBytes(buf));
            buf.release();
        }
        return bytes.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            bytes.writeBytes(part);
        }
        return bytes.toByteArray();
    }
}
