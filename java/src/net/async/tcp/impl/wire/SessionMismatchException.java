/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.wire;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * A session control frame reached an end without session mode: the two ends disagree about
 * {@code :session}. Raised by the {@link FrameDecoder}, as any bad frame is, so the connection is
 * dropped and nothing of it reaches the user.
 *
 * <h2>Threading</h2>
 * Immutable.
 */
public final class SessionMismatchException extends CorruptedFrameException {
    private static final int HELLO = 0x01;
    private static final int REFUSED = 0x05;

    private final boolean peerAskedForSession;

    SessionMismatchException(int header) {
        super(message(header));
        this.peerAskedForSession = type(header) == HELLO;
    }

    /** Whether the peer opened with a HELLO, so it waits for an answer: a REFUSED tells it why. */
    public boolean peerAskedForSession() {
        return peerAskedForSession;
    }

    private static int type(int header) {
        return (header >>> 8) & 0xFF;
    }

    private static String message(int header) {
        return switch (type(header)) {
            case HELLO -> "the peer asked for a session, but this end has :session off; turn it on at both ends";
            case REFUSED -> "the peer has :session on and refused this end, which has it off; turn it on at both ends";
            default -> "the peer speaks session mode (control frame type " + type(header)
                    + ") and this end has :session off; turn it on at both ends";
        };
    }
}
