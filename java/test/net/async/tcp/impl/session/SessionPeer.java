/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.session;

import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import net.async.tcp.Chan;
import net.async.tcp.Frames;
import net.async.tcp.Sockets;
import net.async.tcp.impl.wire.ControlFrame;
import net.async.tcp.impl.wire.ControlFrameTest;

/**
 * A raw socket that speaks session frames by hand; every read gives up after {@link Chan#WAIT}.
 *
 * <h3>Threading</h3>
 * The test's thread.
 */
final class SessionPeer implements AutoCloseable {
    final Socket socket;
    final DataInputStream in;
    final OutputStream out;

    private SessionPeer(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout((int) Chan.WAIT.toMillis());
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static SessionPeer connect(int port) throws IOException {
        return new SessionPeer(new Socket(Sockets.HOST, port));
    }

    void send(ControlFrame frame) throws IOException {
        out.write(ControlFrameTest.bytes(frame));
    }

    void sendPayload(String text) throws IOException {
        out.write(Frames.frame(Chan.bytes(text)));
    }

    /** The next frame that is not a heartbeat: a {@link ControlFrame}, or a payload as a {@code byte[]}. */
    Object read() throws IOException {
        while (true) {
            int header = in.readInt();
            if (ControlFrame.isHeader(header)) {
                byte[] body = in.readNBytes(ControlFrame.bodyLength(header));
                return ControlFrame.decode(header, Unpooled.wrappedBuffer(body));
            }
            if (header > 0) {
                return in.readNBytes(header);
            }
        }
    }

    /** The next frame, a payload read as UTF-8; acks and heartbeats skipped. */
    String readText() throws IOException {
        Object frame;
        do {
            frame = read();
        } while (frame instanceof ControlFrame.Ack);
        return new String((byte[]) frame, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** True once the other side has closed the link; frames still arriving are skipped. */
    boolean closedByPeer() throws IOException {
        try {
            while (in.read() >= 0) {
                // skipped
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
