/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * A peer that speaks the wire format by hand over a plain {@link Socket}, as the original Clojure
 * library's peers do: a 4-byte big-endian length, then the payload; length 0 is a heartbeat.
 *
 * <pre>
 * try (RawPeer peer = RawPeer.connect(server.port())) {
 *     peer.send(RawPeer.frame(Chan.bytes("abc")));   // 00 00 00 03 61 62 63
 *     byte[] reply = peer.readPayload();              // skips heartbeats
 * }
 * </pre>
 *
 * <h3>Threading</h3>
 * One test thread. Every read gives up after {@link Chan#WAIT}.
 */
public final class RawPeer implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout((int) Chan.WAIT.toMillis());
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RawPeer connect(int port) throws IOException {
        return new RawPeer(new Socket(Sockets.HOST, port));
    }

    /** Waits (at most {@link Chan#WAIT}) for the next connection on {@code server}. */
    public static RawPeer accept(ServerSocket server) throws IOException {
        server.setSoTimeout((int) Chan.WAIT.toMillis());
        return new RawPeer(server.accept());
    }

    /** The bytes of one frame: {@code payload.length} as a big-endian int32, then {@code payload}. */
    public static byte[] frame(byte[] payload) {
        return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
    }

    /** Just a length header, e.g. a forbidden one. */
    public static byte[] header(int length) {
        return ByteBuffer.allocate(4).putInt(length).array();
    }

    /** Writes each chunk with its own flush, so the other side may see them in separate reads. */
    public void send(byte[]... chunks) throws IOException {
        for (byte[] chunk : chunks) {
            out.write(chunk);
            out.flush();
        }
    }

    /** Exactly {@code n} bytes off the wire. */
    public byte[] readBytes(int n) throws IOException {
        byte[] bytes = new byte[n];
        in.readFully(bytes);
        return bytes;
    }

    /** The next frame's payload, heartbeats included (as an empty array). */
    public byte[] readFrame() throws IOException {
        int length = in.readInt();
        return readBytes(length);
    }

    /** The next non-heartbeat payload. */
    public byte[] readPayload() throws IOException {
        byte[] payload;
        do {
            payload = readFrame();
        } while (payload.length == 0);
        return payload;
    }

    /** True when the other side closed the connection: end of stream (or a reset) after any heartbeats. */
    public boolean closedByPeer() throws IOException {
        try {
            while (true) {
                int first = in.read();
                if (first < 0) {
                    return true;
                }
                byte[] rest = readBytes(3);
                int length = (first << 24) | ((rest[0] & 0xFF) << 16) | ((rest[1] & 0xFF) << 8) | (rest[2] & 0xFF);
                readBytes(length);
            }
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (java.io.EOFException | java.net.SocketException reset) {
            return true;
        }
    }

    /** Closes with an RST instead of a FIN ({@code SO_LINGER} 0), as a crashed peer or a middlebox does. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
