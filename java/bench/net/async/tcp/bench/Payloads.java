/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

/**
 * The numbered messages of the chaos steps: message {@code seq} of stream {@code stream} has a
 * length and bytes that are a function of the two, so a receiver checks each one against what it
 * expects next and any loss, repeat, reordering or corruption shows. The first 4 bytes are the
 * sequence number (so 4-byte messages are still checked), the next 4 the stream, the rest a
 * pattern of both. Message 0 is 12 bytes, so a server learns its stream from it.
 *
 * @param largeEvery every {@code largeEvery}-th message is {@code large} bytes; the others 4 B up to {@code smallMax}
 *
 * <h3>Threading</h3>
 * Immutable.
 */
record Payloads(int largeEvery, int large, int smallMax) {
    int length(int stream, long seq) {
        if (seq == 0) {
            return 12;
        }
        if (seq % largeEvery == largeEvery - 1) {
            return large;
        }
        return 4 + (int) Math.floorMod(seq * 7919 + stream * 104729L, (long) (smallMax - 3));
    }

    byte[] message(int stream, long seq) {
        byte[] m = new byte[length(stream, seq)];
        putInt(m, 0, (int) seq);
        if (m.length >= 8) {
            putInt(m, 4, stream);
        }
        for (int i = 8; i < m.length; i++) {
            m[i] = fill(stream, seq, i);
        }
        return m;
    }

    /** The stream a message 0 names, or -1 if {@code m} is not one. */
    static int streamOf(byte[] m) {
        return m.length == 12 && getInt(m, 0) == 0 ? getInt(m, 4) : -1;
    }

    /** The sequence number a message carries in its first 4 bytes (the low 32 bits). */
    static int seqOf(byte[] m) {
        return m.length >= 4 ? getInt(m, 0) : -1;
    }

    /**
     * Whether {@code m} is message {@code seq} of {@code stream}: length, header, and the pattern at
     * every 61st byte and the last 16, which finds a wrong message without a full pass over 96 KiB.
     */
    boolean matches(byte[] m, int stream, long seq) {
        if (m.length != length(stream, seq) || getInt(m, 0) != (int) seq || (m.length >= 8 && getInt(m, 4) != stream)) {
            return false;
        }
        for (int i = 8; i < m.length; i += 61) {
            if (m[i] != fill(stream, seq, i)) {
                return false;
            }
        }
        for (int i = Math.max(8, m.length - 16); i < m.length; i++) {
            if (m[i] != fill(stream, seq, i)) {
                return false;
            }
        }
        return true;
    }

    private static byte fill(int stream, long seq, int i) {
        return (byte) (seq * 31 + stream + i);
    }

    private static void putInt(byte[] m, int at, int v) {
        m[at] = (byte) (v >>> 24);
        m[at + 1] = (byte) (v >>> 16);
        m[at + 2] = (byte) (v >>> 8);
        m[at + 3] = (byte) v;
    }

    private static int getInt(byte[] m, int at) {
        return (m[at] & 0xff) << 24 | (m[at + 1] & 0xff) << 16 | (m[at + 2] & 0xff) << 8 | (m[at + 3] & 0xff);
    }
}
