/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import static net.async.tcp.fault.Fault.BLACKHOLE;
import static net.async.tcp.fault.Fault.CUT;
import static net.async.tcp.fault.Fault.RESET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.async.tcp.Trouble;
import org.junit.jupiter.api.Test;

/**
 * {@link FaultProxy} between plain loopback sockets: it relays faithfully while faults are off,
 * and each fault does to the two ends what it promises.
 */
class FaultProxyTest {
    private static final String HOST = "127.0.0.1";
    private static final long SEED = 20240611;
    private static final int MIB = 1 << 20;
    private static final int CHUNK = 64 << 10;
    private static final int WAIT_MILLIS = 5000;
    private static final Duration WAIT = Duration.ofMillis(WAIT_MILLIS);
    private static final int QUIET_MILLIS = 300;

    @Test
    void withFaultsOffBytesPassIntactBothWaysAndACloseArrivesAsEof() throws Exception {
        byte[] sent = random(MIB, 1);
        byte[] sentBack = random(MIB, 2);
        ExecutorService writers = Executors.newFixedThreadPool(2);
        try (ServerSocket target = listen();
             FaultProxy proxy = FaultProxy.start(target.getLocalPort(), Plan.of(0, 0, SEED, Fault.values()))) {
            proxy.faultsEnabled(false); // a plan that would break every link at once
            try (Socket client = connect(proxy.port()); Socket server = accept(target)) {
                // both ways at once: neither side reads until it has written, so one thread each
                Future<?> writing = writers.submit(() -> write(client, sent));
                Future<?> writingBack = writers.submit(() -> write(server, sentBack));
                assertArrayEquals(sent, readFully(server, MIB));
                assertArrayEquals(sentBack, readFully(client, MIB));
                writing.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
                writingBack.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);

                client.close();
                assertEquals(-1, server.getInputStream().read(), "the client's close, passed on");
                assertEquals(1, proxy.links());
                assertEquals(0, proxy.faults(), proxy.toString());
            }
        } finally {
            writers.shutdownNow();
        }
    }

    @Test
    void resetSendsBothEndsAnRst() throws Exception {
        try (ServerSocket target = listen();
             FaultProxy proxy = FaultProxy.start(target.getLocalPort(), Plan.of(0, 0, SEED, RESET));
             Socket client = connect(proxy.port()); Socket server = accept(target)) {
            System.out.println("reset: client saw " + closedWithin(client, 1000));
            System.out.println("reset: server saw " + closedWithin(server, 1000));
            Await.until(() -> proxy.faults(RESET) == 1, WAIT, proxy::toString);
            assertEquals(1, proxy.faults(), proxy.toString());
        }
    }

    @Test
    void blackholeSwallowsBytesAndClosesButKeepsBothSocketsOpen() throws Exception {
        try (ServerSocket target = listen();
             FaultProxy proxy = FaultProxy.start(target.getLocalPort(), Plan.of(0, 0, SEED, BLACKHOLE));
             Socket client = connect(proxy.port()); Socket server = accept(target)) {
            Await.until(() -> proxy.faults(BLACKHOLE) == 1, WAIT, proxy::toString);
            client.getOutputStream().write(random(CHUNK, 3));
            assertStillOpen(server, "nothing reaches the server");
            assertStillOpen(client, "the client is not closed");

            server.close();
            assertStillOpen(client, "the server's close is not passed on");

            proxy.close();
            closedWithin(client, 1000); // what the blackhole kept open goes with the proxy
        }
    }

    @Test
    void cutPassesOnAStrictPrefixOfTheNextChunkThenCloses() throws Exception {
        try (ServerSocket target = listen();
             FaultProxy proxy = FaultProxy.start(target.getLocalPort(), Plan.of(0, 0, SEED, CUT))) {
            for (int i = 0; i < 5; i++) {
                byte[] chunk = random(CHUNK, 10 + i);
                try (Socket client = connect(proxy.port())) {
                    // sent at once, read by the proxy only after the fault fired: with delay 0 the timer
                    // runs right after the dial, before the first read
                    writeIgnoringReset(client, chunk);
                    try (Socket server = accept(target)) {
                        byte[] got = readUntilClosed(server);
                        System.out.println("cut: server got " + got.length + " of " + chunk.length + " bytes");
                        assertTrue(got.length < chunk.length, got.length + " bytes");
                        assertArrayEquals(Arrays.copyOf(chunk, got.length), got);
                        closedWithin(client, 1000);
                    }
                }
            }
            assertEquals(5, proxy.faults(CUT), proxy.toString());
        }
    }

    @Test
    void closeEndsItsThreadItsListenerAndEveryLink() throws Exception {
        try (ServerSocket target = listen()) {
            FaultProxy proxy = FaultProxy.start(target.getLocalPort(), Plan.of(0, 0, SEED));
            try (Socket client = connect(proxy.port()); Socket server = accept(target)) {
                client.getOutputStream().write(7);
                assertEquals(7, server.getInputStream().read());
                proxy.close();
                closedWithin(client, 1000);
                closedWithin(server, 1000);
            } finally {
                proxy.close();
            }
            assertThrows(ConnectException.class, () -> new Socket(HOST, proxy.port()).close());
            List<String> left = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals(proxy.name()) && t.isAlive()).map(Thread::getName).toList();
            assertEquals(List.of(), left);
        }
    }

    @Test
    void faultsSwitchedOffSpareLinksWhoseTimerIsStillPending() throws Exception {
        try (ServerSocket target = listen();
             FaultProxy proxy = FaultProxy.start(target.getLocalPort(), Plan.of(150, 150, SEED, RESET, CUT));
             Socket client = connect(proxy.port()); Socket server = accept(target)) {
            proxy.faultsEnabled(false);
            assertStillOpen(client, "past the fault time"); // 300 ms, twice the delay
            client.getOutputStream().write(1);
            assertEquals(1, server.getInputStream().read());
            server.getOutputStream().write(2);
            assertEquals(2, client.getInputStream().read());
            assertEquals(0, proxy.faults(), proxy.toString());
        }
    }

    /** Many links through every fault at once, to walk each path for leaks (paranoid leak detection) and hangs. */
    @Test
    void manyLinksEachGetOneFaultAndNothingLeaks() throws Exception {
        int n = 300;
        try (Trouble trouble = Trouble.watch();
             ServerSocket target = new ServerSocket(0, 2 * n, InetAddress.getByName(HOST));
             FaultProxy proxy = FaultProxy.start(target.getLocalPort(), Plan.of(0, 5, SEED, Fault.values()))) {
            List<Socket> sockets = new ArrayList<>();
            try {
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    Socket client = connect(proxy.port());
                    sockets.add(client);
                    writeIgnoringReset(client, random(4096, i));
                }
                Await.until(() -> proxy.faults() == n, WAIT, proxy::toString);
                System.out.println("many links: " + proxy + " in " + Await.millisSince(start) + " ms");
                for (Fault kind : Fault.values()) {
                    assertTrue(proxy.faults(kind) > 0, proxy.toString());
                }
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
            proxy.close();
            System.gc(); // a leaked buffer is reported when it is collected and the next one is tracked
            io.netty.buffer.ByteBufAllocator.DEFAULT.buffer(1).release();
            trouble.assertNone();
        }
    }

    private static ServerSocket listen() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getByName(HOST));
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket(HOST, port);
        socket.setSoTimeout(WAIT_MILLIS);
        return socket;
    }

    private static Socket accept(ServerSocket target) throws IOException {
        target.setSoTimeout(WAIT_MILLIS);
        Socket socket = target.accept();
        socket.setSoTimeout(WAIT_MILLIS);
        return socket;
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static Void write(Socket socket, byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        return null;
    }

    /** A write the proxy may already have answered with an RST. */
    private static void writeIgnoringReset(Socket socket, byte[] bytes) throws IOException {
        try {
            socket.getOutputStream().write(bytes);
        } catch (SocketException reset) {
            // the fault came first
        }
    }

    private static byte[] readFully(Socket socket, int n) throws IOException {
        byte[] bytes = new byte[n];
        new DataInputStream(socket.getInputStream()).readFully(bytes);
        return bytes;
    }

    /** Everything up to end of stream or a reset; a read that times out fails the test. */
    private static byte[] readUntilClosed(Socket socket) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = socket.getInputStream().read(buffer)) >= 0; ) {
                got.write(buffer, 0, n);
            }
        } catch (SocketException reset) {
            // as good as end of stream here
        }
        return got.toByteArray();
    }

    /** Waits for end of stream or a reset, and says which; nothing else may arrive first. */
    private static String closedWithin(Socket socket, int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            int b = socket.getInputStream().read();
            assertEquals(-1, b, "a byte instead of the close");
            return "end of stream";
        } catch (SocketTimeoutException stillOpen) {
            return fail("still open after " + millis + " ms");
        } catch (SocketException reset) {
            return reset.getMessage();
        }
    }

    /** A read that times out after {@link #QUIET_MILLIS}: nothing arrives, and no close either. */
    private static void assertStillOpen(Socket socket, String what) throws IOException {
        socket.setSoTimeout(QUIET_MILLIS);
        try {
            int b = socket.getInputStream().read();
            fail(what + ": read " + (b < 0 ? "end of stream" : "a byte"));
        } catch (SocketTimeoutException quiet) {
            // as wanted
        } finally {
            socket.setSoTimeout(WAIT_MILLIS);
        }
    }
}
