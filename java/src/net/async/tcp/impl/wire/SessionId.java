/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.wire;

import io.netty.buffer.ByteBuf;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * 128 random bits naming one session: a secret, since whoever presents it resumes the session.
 * Made by the client from {@link SecureRandom}, a new one for every session, so that a HELLO
 * sent again after its WELCOME was lost finds the same session rather than a second one.
 * {@link #toString()} shows only the first 32 bits, enough to follow a session through a log
 * and too few to take it over.
 *
 * <h2>Threading</h2>
 * Immutable.
 */
public final class SessionId {
    static final int BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SHOWN_BYTES = 4;

    private final byte[] bits;

    private SessionId(byte[] bits) {
        this.bits = bits;
    }

    /** {@return a new id, 128 bits from {@link SecureRandom}} */
    public static SessionId random() {
        byte[] bits = new byte[BYTES];
        RANDOM.nextBytes(bits);
        return new SessionId(bits);
    }

    static SessionId read(ByteBuf in) {
        byte[] bits = new byte[BYTES];
        in.readBytes(bits);
        return new SessionId(bits);
    }

    void write(ByteBuf out) {
        out.writeBytes(bits);
    }

    /** In constant time: how much of a guess matched must not show in how long a lookup takes. */
    @Override
    public boolean equals(Object other) {
        return other instanceof SessionId id && MessageDigest.isEqual(bits, id.bits);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bits);
    }

    /** The first 32 bits in hex and an ellipsis: never the whole secret. */
    @Override
    public String toString() {
        return HexFormat.of().formatHex(bits, 0, SHOWN_BYTES) + "…";
    }
}
