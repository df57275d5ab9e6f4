/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

/**
 * The payloads every workload sends: a big-endian sequence number in the first 4 bytes, the rest
 * zero; sequence -1 ends a run. Readers check count and order with {@link #check}.
 *
 * <h3>Threading</h3>
 * Stateless.
 */
final class Messages {
    static final int END = -1;

    private Messages() {
    }

    static byte[] make(int size, long seq) {
        byte[] message = new byte[size];
        stamp(message, (int) seq);
        return message;
    }

    static byte[] end(int size) {
        return make(size, END);
    }

    static void stamp(byte[] message, int seq) {
        message[0] = (byte) (seq >>> 24);
        message[1] = (byte) (seq >>> 16);
        message[2] = (byte) (seq >>> 8);
        message[3] = (byte) seq;
    }

    static int seq(byte[] message) {
        return (message[0] & 0xff) << 24 | (message[1] & 0xff) << 16 | (message[2] & 0xff) << 8 | message[3] & 0xff;
    }

    static boolean isEnd(byte[] message) {
        return seq(message) == END;
    }

    /** Throws unless {@code message} is the {@code expected}-th one (counting from 0). */
    static void check(byte[] message, long expected) {
        check(seq(message), expected);
    }

    static void check(int seq, long expected) {
        if (seq != (int) expected) {
            throw new IllegalStateException("message " + expected + " arrived as " + seq + ": lost or reordered");
        }
    }
}
