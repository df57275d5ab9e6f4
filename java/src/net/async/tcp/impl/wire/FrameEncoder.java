/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes a {@code byte[]} as one frame, header and payload in one pooled buffer; an empty array
 * is a heartbeat. See {@link FrameDecoder} for the wire format.
 *
 * <h2>Threading</h2>
 * Stateless and {@code @Sharable}.
 */
@Sharable
public final class FrameEncoder extends MessageToByteEncoder<byte[]> {
    public static final FrameEncoder INSTANCE = new FrameEncoder();
    public static final byte[] HEARTBEAT = new byte[0];

    private FrameEncoder() {
        super(byte[].class);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, byte[] payload, boolean preferDirect) {
        return ctx.alloc().ioBuffer(FrameDecoder.HEADER_BYTES + payload.length);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, byte[] payload, ByteBuf out) {
        out.writeInt(payload.length).writeBytes(payload);
    }
}
