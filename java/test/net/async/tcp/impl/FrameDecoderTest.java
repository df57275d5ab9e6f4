/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.util.ArrayList;
import java.util.List;
import net.async.tcp.Frames;
import org.junit.jupiter.api.Test;

/** What comes after a bad length in the same read: it must never be decoded, not even on close. */
class FrameDecoderTest {
    @Test
    void aWholeFrameAfterAnOversizeOneIsNotDeliveredOnClose() {
        assertNothingAfter(Frames.concat(Frames.frame(1), Frames.frame(2000), Frames.frame(3)));
    }

    @Test
    void aWholeFrameAfterAnOversizeHeaderIsNotDelivered() {
        // the decoder is discarding the 5000 announced bytes; the frame inside them is not a frame
        assertNothingAfter(Frames.concat(Frames.frame(1), Frames.header(5000), Frames.frame(3)));
    }

    private static void assertNothingAfter(byte[] stream) {
        List<Object> seen = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1024), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                seen.add(msg);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                seen.add(cause);
                ctx.close(); // as the connection does
            }
        });
        channel.writeInbound(Unpooled.wrappedBuffer(stream));
        channel.runPendingTasks();
        assertFalse(channel.finishAndReleaseAll());
        assertEquals(2, seen.size(), "the first frame, then the failure, then nothing: " + seen);
        assertInstanceOf(byte[].class, seen.get(0));
        assertInstanceOf(TooLongFrameException.class, seen.get(1));
        assertNull(channel.readInbound());
    }
}
