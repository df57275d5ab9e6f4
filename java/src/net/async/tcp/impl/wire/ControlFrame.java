/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.CorruptedFrameException;

/**
 * The frames of session mode that are not messages. Each starts with a header a plain peer reads
 * as a negative length, which both this library's plain decoder and the original library reject
 * before allocating anything, so none can ever reach a user as a payload:
 *
 * <pre>
 * +------+------+------+----------------+------------------------+
 * | 0x80 | 0x4E | type | body length u8 | body (fixed per type)  |
 * +------+------+------+----------------+------------------------+
 *   HELLO   0x01  30 bytes: version u8 = 1, flags u8 (bit 0: resume), session id 16, received u64, window u32
 *   WELCOME 0x02  29 bytes: flags u8 (bit 0: the session existed), session id 16, received u64, window u32
 *   ACK     0x03   8 bytes: delivered u64
 *   BYE     0x04   8 bytes: received u64
 *   REFUSED 0x05   1 byte:  reason u8 (see {@link Refused})
 * </pre>
 *
 * All numbers are big-endian. Positions count the messages of one session in one direction, from
 * 1: "received" is how many the receiver has taken off the wire (it will deliver them all),
 * "delivered" how many are on its read-chan.
 *
 * <h2>Threading</h2>
 * Immutable values.
 */
public sealed interface ControlFrame {
    /** The first two bytes of every control frame, as the top half of a (negative) length word. */
    int MARKER = 0x804E;
    int HEADER_BYTES = 4;
    int VERSION = 1;

    /** Writes the whole frame, header included. */
    void writeTo(ByteBuf out);

    /** {@return the frame in a new buffer from {@code alloc}} */
    default ByteBuf encode(ByteBufAllocator alloc) {
        ByteBuf out = alloc.ioBuffer(HEADER_BYTES + Hello.BODY);
        writeTo(out);
        return out;
    }

    /** Whether this frame ends the link it came on, as every REFUSED but one does. */
    default boolean isFatal() {
        return false;
    }

    /** Whether a length word is a control frame's header. */
    static boolean isHeader(int lengthWord) {
        return lengthWord >>> 16 == MARKER;
    }

    /** The body length a header announces. */
    static int bodyLength(int header) {
        return header & 0xFF;
    }

    /**
     * Reads the body of the frame whose header is {@code header} from {@code body}, which holds at
     * least the {@link #bodyLength} it announces (read in place: no slice per frame).
     *
     * @throws CorruptedFrameException for an unknown type or a body of the wrong length
     */
    static ControlFrame decode(int header, ByteBuf body) {
        int type = (header >>> 8) & 0xFF;
        int length = bodyLength(header);
        switch (type) {
            case Hello.TYPE -> {
                expect(length, Hello.BODY, "HELLO");
                int version = body.readUnsignedByte();
                boolean resume = (body.readUnsignedByte() & 1) != 0;
                return new Hello(version, SessionId.read(body), resume, body.readLong(), body.readInt());
            }
            case Welcome.TYPE -> {
                expect(length, Welcome.BODY, "WELCOME");
                boolean existed = (body.readUnsignedByte() & 1) != 0;
                return new Welcome(SessionId.read(body), existed, body.readLong(), body.readInt());
            }
            case Ack.TYPE -> {
                expect(length, Long.BYTES, "ACK");
                return new Ack(body.readLong());
            }
            case Bye.TYPE -> {
                expect(length, Long.BYTES, "BYE");
                return new Bye(body.readLong());
            }
            case Refused.TYPE -> {
                expect(length, 1, "REFUSED");
                return new Refused(body.readUnsignedByte());
            }
            default -> throw new CorruptedFrameException("unknown session control frame type " + type);
        }
    }

    private static void expect(int length, int expected, String frame) {
        if (length != expected) {
            throw new CorruptedFrameException(frame + " frame of " + length + " bytes, expected " + expected);
        }
    }

    private static void header(ByteBuf out, int type, int bodyLength) {
        out.writeInt(MARKER << 16 | type << 8 | bodyLength);
    }

    /**
     * Client to server, first on every link: the session the client wants the link to carry,
     * named by an id the client made, and how many of the server's messages it has received.
     *
     * @param version  the protocol version, {@value ControlFrame#VERSION}
     * @param id       the session
     * @param resume   true when the client had a WELCOME for this session before: a server that
     *                 no longer holds it refuses ({@link Refused#UNKNOWN_SESSION}); false to open
     *                 it, or to retry an open whose WELCOME was lost
     * @param received the resume position: messages of the server the client has received
     * @param window   the client's session buffer in bytes, so the server can pace its acks
     */
    record Hello(int version, SessionId id, boolean resume, long received, int window) implements ControlFrame {
        static final int TYPE = 0x01;
        static final int BODY = 1 + 1 + SessionId.BYTES + Long.BYTES + Integer.BYTES;

        @Override
        public void writeTo(ByteBuf out) {
            header(out, TYPE, BODY);
            out.writeByte(version).writeByte(resume ? 1 : 0);
            id.write(out);
            out.writeLong(received).writeInt(window);
        }
    }

    /**
     * Server to client, the answer to {@link Hello}: the link now carries the session.
     *
     * @param id       the session, as the HELLO named it
     * @param existed  true when the server held the session before this HELLO
     * @param received messages of the client the server has received (0 for a new session)
     * @param window   the server's session buffer in bytes
     */
    record Welcome(SessionId id, boolean existed, long received, int window) implements ControlFrame {
        static final int TYPE = 0x02;
        static final int BODY = 1 + SessionId.BYTES + Long.BYTES + Integer.BYTES;

        @Override
        public void writeTo(ByteBuf out) {
            header(out, TYPE, BODY);
            out.writeByte(existed ? 1 : 0);
            id.write(out);
            out.writeLong(received).writeInt(window);
        }
    }

    /**
     * Either way: every message up to {@code delivered} is on the sender's read-chan, so the
     * receiver of this frame may forget them. Cumulative; also the flow-control window.
     *
     * @param delivered the position delivered so far
     */
    record Ack(long delivered) implements ControlFrame {
        static final int TYPE = 0x03;

        @Override
        public void writeTo(ByteBuf out) {
            header(out, TYPE, Long.BYTES);
            out.writeLong(delivered);
        }
    }

    /**
     * Either way: the sender has ended the session after receiving {@code received} messages;
     * whatever came after those was not taken.
     *
     * @param received the last position the sender took off the wire
     */
    record Bye(long received) implements ControlFrame {
        static final int TYPE = 0x04;

        @Override
        public void writeTo(ByteBuf out) {
            header(out, TYPE, Long.BYTES);
            out.writeLong(received);
        }
    }

    /**
     * The link cannot carry the session asked for. For {@link #UNKNOWN_SESSION} the link stays
     * open for the client to open a new session on it; for any other reason the sender closes it next.
     *
     * @param reason one of the constants below
     */
    public record Refused(int reason) implements ControlFrame {
        static final int TYPE = 0x05;
        /** This end has {@code :session} off: a plain peer answering a HELLO. */
        public static final int SESSION_OFF = 1;
        /** The peer sent a message or nothing where a HELLO was due: it has {@code :session} off. */
        public static final int NO_HELLO = 2;
        /** The HELLO's protocol version is not one this end speaks. */
        public static final int VERSION = 3;
        /** The HELLO's resume position is impossible for this session. */
        public static final int BAD_POSITION = 4;
        /** The HELLO resumes a session this server does not hold: expired, evicted, or from before a restart. */
        public static final int UNKNOWN_SESSION = 5;
        /** The server has as many links in handshake, or new sessions waiting for its accept loop, as it lets wait: try again later. */
        public static final int BUSY = 6;

        @Override
        public void writeTo(ByteBuf out) {
            header(out, TYPE, 1);
            out.writeByte(reason);
        }

        @Override
        public boolean isFatal() {
            return reason != UNKNOWN_SESSION;
        }

        /** Tells the peer of {@code ch} why, then closes the link. */
        public static void closeWith(Channel ch, int reason) {
            ch.writeAndFlush(new Refused(reason).encode(ch.alloc())).addListener(ChannelFutureListener.CLOSE);
        }

        /** {@return what the reason means, for a log line} */
        public String explanation() {
            return switch (reason) {
                case SESSION_OFF -> "the peer has :session off; turn it on at both ends";
                case NO_HELLO -> "the peer has :session on and this end has not; turn it on at both ends";
                case VERSION -> "the peer does not speak this session protocol version";
                case BAD_POSITION -> "the peer found this end's resume position impossible";
                case UNKNOWN_SESSION -> "the peer does not hold the session (expired, evicted, or it restarted)";
                case BUSY -> "the server is busy (max-handshakes links in handshake, or max-pending-sessions new "
                        + "sessions waiting for its accept loop): retrying";
                default -> "reason " + reason;
            };
        }
    }
}
