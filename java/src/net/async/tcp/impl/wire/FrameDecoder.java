/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.ArrayDeque;
import net.async.tcp.impl.stats.Counters;

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
 * Each payload byte is copied once, from the buffer the socket was read into straight into the
 * payload's {@code byte[]}, however many reads the frame spans: there is no cumulation buffer.
 *
 * <pre>
 *  header read ──▶ the rest of the frame is here, or at most {@value #ALLOCATE_AHEAD} bytes to come?
 *        yes ──▶ new byte[length], filled from this read and the next ones, handed on when full
 *        no  ──▶ the reads are kept as they are (retained, not copied) until that is true,
 *                then copied into the new byte[] and released
 * </pre>
 *
 * So what a frame makes this end allocate never runs more than {@value #ALLOCATE_AHEAD} bytes
 * ahead of what the peer has sent: a header alone announcing a large frame costs nothing. Reads
 * that are small beside their buffer are copied into a staging buffer of our own rather than
 * kept, so that a peer trickling a frame byte by byte does not make us hold a buffer per byte.
 *
 * A negative length fails with {@code CorruptedFrameException}, one above {@code maxFrameSize}
 * with {@code TooLongFrameException} as soon as its header is read, before anything is allocated
 * for it; the connection closes the channel on either. From then on every byte is discarded,
 * so nothing read after a bad length ever reaches the user, not even on close.
 *
 * <p>In session mode, a length word that is a {@link ControlFrame} header is decoded as one and
 * handed on as such. Without session mode it fails with a {@link SessionMismatchException},
 * which says what is wrong in words a user can act on.
 *
 * <p>Like Netty's {@code ByteToMessageDecoder}, each frame is handed on as soon as it is whole,
 * and when a read completed no frame while auto-read is off, it asks for another read.
 *
 * <h2>Threading</h2>
 * One instance per channel; all state on its event loop.
 */
public final class FrameDecoder extends ChannelInboundHandlerAdapter {
    public static final int HEADER_BYTES = 4;
    /** The most a frame's byte[] may be allocated ahead of the bytes that fill it. */
    public static final int ALLOCATE_AHEAD = 64 * 1024;
    // a read is kept as it is when it fills at least half its buffer and is this large; else it is staged
    private static final int KEEP_MIN = 8 * 1024;
    private static final int STAGING_BYTES = 64 * 1024;

    private final int maxFrameSize;
    private final boolean sessions;
    private Counters counters = new Counters(); // replaced by the connection's once it has the link
    private boolean corrupt;

    // a length word split across reads: its bytes so far, and how many
    private int partialHeader;
    private int partialHeaderBytes;
    // a data frame begun: its length, then its payload once allocated (filled bytes so far)
    private int frameLength = -1;
    private byte[] payload;
    private int filled;
    // the frame's bytes received before its payload was allocated: retained reads and staging buffers
    private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();
    private int heldBytes;
    private long stagedTotal; // bytes of small reads copied into staging: they are copied twice
    // a control frame begun: its header and its body so far (at most 255 bytes)
    private int controlHeader;
    private byte[] controlBody;
    private int controlFilled;
    // whether the current read batch brought bytes, and whether it handed anything on
    private boolean readBytes;
    private boolean firedRead;

    public FrameDecoder(int maxFrameSize) {
        this(maxFrameSize, false);
    }

    public FrameDecoder(int maxFrameSize, boolean sessions) {
        this.maxFrameSize = maxFrameSize;
        this.sessions = sessions;
    }

    public void countInto(Counters counters) {
        this.counters = counters;
    }

    /** {@return the bytes of an unfinished frame this decoder holds: its header, its payload so far} */
    public int heldBytes() {
        if (frameLength >= 0) {
            return HEADER_BYTES + heldBytes + filled;
        }
        if (controlBody != null) {
            return HEADER_BYTES + controlFilled;
        }
        return partialHeaderBytes;
    }

    /** {@return the bytes allocated for an unfinished frame's payload (0 while its reads are held as they are)} */
    public int allocatedBytes() {
        return payload == null ? 0 : payload.length;
    }

    /** {@return how many bytes this decoder copied twice: small reads staged while a large frame arrived} */
    long stagedBytes() {
        return stagedTotal;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        readBytes = true;
        try {
            if (corrupt) {
                return;
            }
            decode(ctx, in);
        } catch (DecoderException bad) {
            ctx.fireExceptionCaught(bad);
        } finally {
            in.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // a frame still incomplete with auto-read off would otherwise wait for a read nobody asks for
        if (readBytes && !firedRead && !ctx.channel().config().isAutoRead()) {
            ctx.read();
        }
        readBytes = false;
        firedRead = false;
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        discard(); // an unfinished frame is lost with its link
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        discard();
    }

    private void decode(ChannelHandlerContext ctx, ByteBuf in) {
        while (in.isReadable() && !corrupt && !ctx.isRemoved()) {
            if (frameLength >= 0) {
                continueData(ctx, in);
            } else if (controlBody != null) {
                continueControl(ctx, in);
            } else {
                int length;
                if (partialHeaderBytes == 0 && in.readableBytes() >= HEADER_BYTES) {
                    length = in.readInt();
                } else {
                    while (partialHeaderBytes < HEADER_BYTES && in.isReadable()) {
                        partialHeader = partialHeader << 8 | in.readUnsignedByte();
                        partialHeaderBytes++;
                    }
                    if (partialHeaderBytes < HEADER_BYTES) {
                        return;
                    }
                    length = partialHeader;
                    partialHeader = 0;
                    partialHeaderBytes = 0;
                }
                startFrame(ctx, length, in);
            }
        }
    }

    private void startFrame(ChannelHandlerContext ctx, int length, ByteBuf in) {
        // signed, like the original's ByteBuffer.getInt: top bit set is negative, not 2 GiB and more
        if (length < 0) {
            if (!ControlFrame.isHeader(length)) {
                throw corrupt(new CorruptedFrameException("negative frame length: " + length));
            }
            if (!sessions) {
                throw corrupt(new SessionMismatchException(length));
            }
            int bodyLength = ControlFrame.bodyLength(length);
            if (in.readableBytes() >= bodyLength) {
                fireControl(ctx, length, in);
            } else {
                controlHeader = length;
                controlBody = new byte[bodyLength];
                controlFilled = 0;
            }
            return;
        }
        if (length > maxFrameSize) {
            throw corrupt(new TooLongFrameException(
                    "frame length " + length + " exceeds max-frame-size " + maxFrameSize));
        }
        if (length == 0) {
            counters.heartbeatIn();
            return;
        }
        if (in.readableBytes() >= length) {
            // the usual case for small frames: the one copy, straight from the read buffer
            byte[] whole = new byte[length];
            in.readBytes(whole);
            fire(ctx, whole);
            return;
        }
        frameLength = length;
        filled = 0;
        continueData(ctx, in);
    }

    private void continueData(ChannelHandlerContext ctx, ByteBuf in) {
        int received = heldBytes + filled;
        int take = Math.min(in.readableBytes(), frameLength - received);
        if (payload == null && frameLength - (received + take) > ALLOCATE_AHEAD) {
            hold(in, take);
            return;
        }
        if (payload == null) {
            payload = new byte[frameLength];
            for (ByteBuf part; (part = held.poll()) != null; ) {
                int n = part.readableBytes();
                part.readBytes(payload, filled, n);
                part.release();
                filled += n;
            }
            heldBytes = 0;
        }
        in.readBytes(payload, filled, take);
        filled += take;
        if (filled == frameLength) {
            byte[] whole = payload;
            payload = null;
            frameLength = -1;
            filled = 0;
            fire(ctx, whole);
        }
    }

    /** Keeps {@code n} bytes of {@code in} for the frame's payload, as they are when that is worth it. */
    private void hold(ByteBuf in, int n) {
        heldBytes += n;
        if (n >= KEEP_MIN && n >= in.capacity() / 2) {
            held.add(in.readRetainedSlice(n));
            return;
        }
        stagedTotal += n;
        ByteBuf last = held.peekLast();
        if (last == null || !last.hasArray() || last.writableBytes() < n) {
            last = Unpooled.buffer(Math.max(n, STAGING_BYTES)); // heap, not pooled: nothing to leak
            held.add(last);
        }
        last.writeBytes(in, n);
    }

    private void continueControl(ChannelHandlerContext ctx, ByteBuf in) {
        int n = Math.min(in.readableBytes(), controlBody.length - controlFilled);
        in.readBytes(controlBody, controlFilled, n);
        controlFilled += n;
        if (controlFilled == controlBody.length) {
            byte[] body = controlBody;
            controlBody = null;
            fireControl(ctx, controlHeader, Unpooled.wrappedBuffer(body));
        }
    }

    /** Decodes a control frame whose body starts at {@code body}'s reader index, in place. */
    private void fireControl(ChannelHandlerContext ctx, int header, ByteBuf body) {
        int end = body.readerIndex() + ControlFrame.bodyLength(header);
        ControlFrame frame;
        try {
            frame = ControlFrame.decode(header, body);
        } catch (CorruptedFrameException unknown) {
            throw corrupt(unknown);
        }
        body.readerIndex(end); // the next frame starts where the header said, whatever was read
        fire(ctx, frame);
    }

    private void fire(ChannelHandlerContext ctx, Object frame) {
        firedRead = true;
        ctx.fireChannelRead(frame);
    }

    // what follows a bad length is not to be trusted, even whole frames already read: without
    // this, the rest of the read would be decoded and delivered
    private DecoderException corrupt(DecoderException badLength) {
        corrupt = true;
        discard();
        return badLength;
    }

    private void discard() {
        for (ByteBuf part; (part = held.poll()) != null; ) {
            part.release();
        }
        heldBytes = 0;
        payload = null;
        frameLength = -1;
        filled = 0;
        controlBody = null;
        partialHeaderBytes = 0;
    }
}
