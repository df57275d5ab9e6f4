/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A peer played by hand over a plain {@link Socket}: sends whatever bytes it is told to, and
 * reads all the time on a thread of its own, so the other side is never blocked by a full socket.
 * Frames it reads are kept (heartbeats are counted apart); the read loop ends at EOF or reset.
 */
public final class ReadingPeer implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final List<byte[]> received = new ArrayList<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private int heartbeats;

    private ReadingPeer(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        Thread reader = new Thread(this::readLoop, "raw-peer-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public static ReadingPeer connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        return new ReadingPeer(socket);
    }

    /** Sends {@code bytes}; false once the other side has dropped the connection. */
    public boolean send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException dropped) {
            return false;
        }
    }

    /** Sends FIN: the other side reads EOF after whatever was sent; we go on reading. */
    public void shutdownOutput() {
        try {
            socket.shutdownOutput();
        } catch (IOException alreadyGone) {
            // the other side was faster
        }
    }

    /** Waits until the other side closed the connection (EOF or reset). */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean hasEnded() {
        return ended.getCount() == 0;
    }

    /** The payloads read so far, heartbeats left out. */
    public synchronized List<byte[]> received() {
        return new ArrayList<>(received);
    }

    public synchronized int heartbeats() {
        return heartbeats;
    }

    private void readLoop() {
        try (DataInputStream in = new DataInputStream(socket.getInputStream())) {
            while (true) {
                int length = in.readInt();
                if (length < 0 || length > (1 << 24)) {
                    throw new IOException("bad length from the library: " + length);
                }
                byte[] payload = new byte[length];
                in.readFully(payload);
                synchronized (this) {
                    if (length == 0) {
                        heartbeats++;
                    } else {
                        received.add(payload);
                    }
                }
            }
        } catch (EOFException eof) {
            // the other side closed
        } catch (IOException resetOrClosed) {
            // reset, or we closed the socket ourselves
        } finally {
            ended.countDown();
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
