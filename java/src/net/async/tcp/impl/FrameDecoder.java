/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.nio.ByteOrder;

/**
 * Splits the byte stream into frames and hands each payload on as a {@code byte[]}; heartbeats
 * (0-length frames) stop here.
 *
 * <pre>
 * +------------------------+---------------------+
 * | length: int32, big end | payload: length     |
 * +------------------------+---------------------+
 *   0 0 0 3                  'a' 'b' 'c'          → byte[]{'a','b','c'}
 *   0 0 0 0                                       → (heartbeat, nothing)
 * </pre>
 *
 * A negative length fails with {@code CorruptedFrameException}, one above {@code maxFrameSize}
 * with {@code TooLongFrameException} as soon as its header is read, before any payload is
 * buffered; the connection closes the channel on either. From then on every byte is discarded,
 * so nothing read after a bad length ever reaches the user, not even on close.
 *
 * <h2>Threading</h2>
 * One instance per channel, on its event loop.
 */
final class FrameDecoder extends LengthFieldBasedFrameDecoder {
    static final int HEADER_BYTES = 4;

    private boolean corrupt;

    FrameDecoder(int maxFrameSize) {
        super(ByteOrder.BIG_ENDIAN, withHeader(maxFrameSize), 0, HEADER_BYTES, 0, HEADER_BYTES, true);
    }

    private static int withHeader(int maxFrameSize) {
        return maxFrameSize > Integer.MAX_VALUE - HEADER_BYTES ? Integer.MAX_VALUE : maxFrameSize + HEADER_BYTES;
    }

    /** Signed, like the original's {@code ByteBuffer.getInt}: top bit set is negative, not 2 GiB and more. */
    @Override
    protected long getUnadjustedFrameLength(ByteBuf buf, int offset, int length, ByteOrder order) {
        return buf.getInt(offset); // big-endian, as the constructor says
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (corrupt) {
            in.skipBytes(in.readableBytes());
            return null;
        }
        ByteBuf frame;
        try {
            frame = (ByteBuf) super.decode(ctx, in);
        } catch (DecoderException badLength) {
            // what follows a bad length is not to be trusted, even whole frames already read:
            // without this, closing the channel decodes the rest of the buffer and delivers it
            corrupt = true;
            in.skipBytes(in.readableBytes());
            throw badLength;
        }
        if (frame == null) {
            return null;
        }
        try {
            // the one copy per frame: the user owns the array, the buffer goes back to the pool
            return frame.isReadable() ? ByteBufUtil.getBytes(frame) : null;
        } finally {
            frame.release();
        }
    }
}
