/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** Wire-format bytes for tests that play a peer by hand: frames, bare headers, heartbeats. */
public final class Frames {
    private Frames() {
    }

    /** A 4-byte big-endian length, whatever its value. */
    public static byte[] header(int length) {
        return ByteBuffer.allocate(4).putInt(length).array();
    }

    public static byte[] heartbeat() {
        return header(0);
    }

    /** A whole frame of {@code payload}. */
    public static byte[] frame(byte[] payload) {
        return concat(header(payload.length), payload);
    }

    /** A whole frame of {@code length} bytes counting 0, 1, 2, … (mod 256). */
    public static byte[] frame(int length) {
        return frame(payload(length, 0));
    }

    /** {@code length} bytes counting up from {@code start} (mod 256). */
    public static byte[] payload(int length, int start) {
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) (start + i);
        }
        return payload;
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
