/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

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
 * <p>In session mode, a length word that is a {@link ControlFrame} header is decoded as one and
 * handed on as such. Without session mode it fails with a {@link SessionMismatchException},
 * which says what is wrong in words a user can act on.
 *
 * <h2>Threading</h2>
 * One instance per channel, on its event loop.
 */
final class FrameDecoder extends ByteToMessageDecoder {
    static final int HEADER_BYTES = 4;

    private final int maxFrameSize;
    private final boolean sessions;
    private Counters counters = new Counters(); // replaced by the connection's once it has the link
    private boolean corrupt;

    FrameDecoder(int maxFrameSize) {
        this(maxFrameSize, false);
    }

    FrameDecoder(int maxFrameSize, boolean sessions) {
        this.maxFrameSize = maxFrameSize;
        this.sessions = sessions;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (corrupt) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < HEADER_BYTES) {
            return;
        }
        // signed, like the original's ByteBuffer.getInt: top bit set is negative, not 2 GiB and more
        int length = in.getInt(in.readerIndex());
        if (length < 0) {
            if (ControlFrame.isHeader(length)) {
                decodeControl(length, in, out);
                return;
            }
            throw corrupt(new CorruptedFrameException("negative frame length: " + length), in);
        }
        if (length > maxFrameSize) {
            throw corrupt(new TooLongFrameException(
                    "frame length " + length + " exceeds max-frame-size " + maxFrameSize), in);
        }
        if (in.readableBytes() - HEADER_BYTES < length) {
            return;
        }
        in.skipBytes(HEADER_BYTES);
        if (length == 0) {
            counters.heartbeatIn();
        } else {
            // the one copy per frame, straight from the read buffer: no slice, no reference count
            byte[] payload = new byte[length];
            in.readBytes(payload);
            out.add(payload);
        }
    }

    void countInto(Counters counters) {
        this.counters = counters;
    }

    private void decodeControl(int header, ByteBuf in, List<Object> out) {
        if (!sessions) {
            throw corrupt(new SessionMismatchException(header), in);
        }
        int bodyLength = ControlFrame.bodyLength(header);
        if (in.readableBytes() - HEADER_BYTES < bodyLength) {
            return;
        }
        in.skipBytes(HEADER_BYTES);
        try {
            out.add(ControlFrame.decode(header, in.readSlice(bodyLength)));
        } catch (CorruptedFrameException unknown) {
            throw corrupt(unknown, in);
        }
    }

    // what follows a bad length is not to be trusted, even whole frames already read: without
    // this, closing the channel decodes the rest of the buffer and delivers it
    private DecoderException corrupt(DecoderException badLength, ByteBuf in) {
        corrupt = true;
        in.skipBytes(in.readableBytes());
        return badLength;
    }
}
