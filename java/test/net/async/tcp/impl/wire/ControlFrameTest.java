/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.ArrayList;
import java.util.List;
import net.async.tcp.Frames;
import net.async.tcp.impl.wire.ControlFrame.Ack;
import net.async.tcp.impl.wire.ControlFrame.Bye;
import net.async.tcp.impl.wire.ControlFrame.Hello;
import net.async.tcp.impl.wire.ControlFrame.Refused;
import net.async.tcp.impl.wire.ControlFrame.Welcome;
import org.junit.jupiter.api.Test;

/** The session frames byte by byte, as the README documents them, and how each decoder takes them. */
public class ControlFrameTest {
    private static final SessionId ID = SessionId.random();

    @Test
    void everyFrameSurvivesTheRoundTripThroughTheSessionDecoder() {
        List<ControlFrame> frames = List.of(new Hello(1, ID, false, 0, 4 << 20), new Hello(1, ID, true, 77, 1024),
                new Welcome(ID, true, 5, 65536), new Welcome(ID, false, 0, 1), new Ack(Long.MAX_VALUE),
                new Bye(42), new Refused(Refused.NO_HELLO));
        List<Object> seen = decode(true, frames.stream().map(ControlFrameTest::bytes).toArray(byte[][]::new));
        assertEquals(frames, seen);
    }

    @Test
    void theBytesAreTheDocumentedOnes() {
        assertEquals("804e030800000000000000ff", ByteBufUtil.hexDump(Unpooled.wrappedBuffer(bytes(new Ack(255)))));
        assertEquals("804e0501" + "02", ByteBufUtil.hexDump(Unpooled.wrappedBuffer(bytes(new Refused(2)))));
        byte[] hello = bytes(new Hello(1, ID, true, 2, 0x01020304));
        assertEquals(4 + 30, hello.length);
        ByteBuf id = Unpooled.buffer();
        ID.write(id);
        assertEquals("804e011e" + "01" + "01" + ByteBufUtil.hexDump(id) + "0000000000000002" + "01020304",
                ByteBufUtil.hexDump(Unpooled.wrappedBuffer(hello)));
        id.release();
        assertEquals(4 + 29, bytes(new Welcome(ID, true, 1, 1)).length);
    }

    @Test
    void aControlHeaderIsANegativeLengthToEveryPlainDecoder() {
        for (ControlFrame frame : List.of(new Hello(1, ID, false, 0, 1), new Refused(1), new Ack(1))) {
            assertTrue(Unpooled.wrappedBuffer(bytes(frame)).getInt(0) < 0, frame.toString());
        }
    }

    @Test
    void aPlainDecoderRefusesAControlFrameWithAMismatchAndDeliversNothingAfterIt() {
        List<Object> seen = decode(false, bytes(new Hello(1, ID, false, 0, 1)), Frames.frame(3));
        assertEquals(1, seen.size(), seen.toString());
        SessionMismatchException mismatch = assertInstanceOf(SessionMismatchException.class, seen.get(0));
        assertTrue(mismatch.peerAskedForSession());
        assertTrue(mismatch.getMessage().contains(":session off"), mismatch.getMessage());

        SessionMismatchException refused = assertInstanceOf(SessionMismatchException.class,
                decode(false, bytes(new Refused(Refused.NO_HELLO))).get(0));
        assertFalse(refused.peerAskedForSession());
    }

    @Test
    void aControlFrameSplitAcrossReadsWaitsForItsLastByte() {
        byte[] hello = bytes(new Hello(1, ID, true, 9, 100));
        byte[][] pieces = new byte[hello.length][];
        for (int i = 0; i < hello.length; i++) {
            pieces[i] = new byte[] {hello[i]};
        }
        assertEquals(List.of(new Hello(1, ID, true, 9, 100)), decode(true, pieces));
    }

    @Test
    void anUnknownTypeOrAWrongBodyLengthIsCorrupt() {
        assertInstanceOf(CorruptedFrameException.class, decode(true, new byte[] {(byte) 0x80, 0x4E, 0x7F, 0}).get(0));
        assertInstanceOf(CorruptedFrameException.class,
                decode(true, new byte[] {(byte) 0x80, 0x4E, 0x03, 1, 0}).get(0));
    }

    @Test
    void messagesAndControlFramesInterleaveInOrder() {
        List<Object> seen = decode(true, Frames.frame(2), bytes(new Ack(1)), Frames.frame(0), Frames.frame(1));
        assertEquals(3, seen.size(), "the heartbeat stops in the decoder: " + seen);
        assertEquals(2, ((byte[]) seen.get(0)).length);
        assertEquals(new Ack(1), seen.get(1));
        assertEquals(1, ((byte[]) seen.get(2)).length);
    }

    @Test
    void controlFramesReadInPlaceLeaveTheNextFrameWhole() {
        List<ControlFrame> frames = List.of(new Hello(1, ID, true, 3, 7), new Welcome(ID, false, 0, 9),
                new Ack(5), new Bye(6), new Refused(Refused.NO_HELLO));
        ByteBuf one = Unpooled.buffer();
        for (ControlFrame frame : frames) {
            one.writeBytes(bytes(frame)).writeBytes(Frames.frame(3));
        }
        List<Object> seen = decode(true, ByteBufUtil.getBytes(one));
        one.release();
        assertEquals(2 * frames.size(), seen.size(), seen.toString());
        for (int i = 0; i < frames.size(); i++) {
            assertEquals(frames.get(i), seen.get(2 * i));
            assertEquals(3, ((byte[]) seen.get(2 * i + 1)).length);
        }
    }

    @Test
    void sessionIdsAreRandomAndShowOnlyTheirFirst32Bits() {
        SessionId one = SessionId.random();
        assertNotEquals(one, SessionId.random());
        assertEquals(8 + 1, one.toString().length(), one.toString());
        ByteBuf out = Unpooled.buffer();
        one.write(out);
        assertEquals(one, SessionId.read(out));
        out.release();
    }

    public static byte[] bytes(ControlFrame frame) {
        ByteBuf out = Unpooled.buffer();
        frame.writeTo(out);
        byte[] bytes = ByteBufUtil.getBytes(out);
        out.release();
        return bytes;
    }

    /** What a decoder hands on, exceptions included (the channel is closed at the first, as a connection does). */
    static List<Object> decode(boolean sessions, byte[]... reads) {
        List<Object> seen = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1024, sessions),
                new ChannelInboundHandlerAdapter() {
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
        for (byte[] read : reads) {
            if (channel.isOpen()) {
                channel.writeInbound(Unpooled.wrappedBuffer(read));
            }
        }
        channel.finishAndReleaseAll();
        return seen;
    }
}
