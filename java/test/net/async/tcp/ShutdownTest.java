/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import static net.async.tcp.Chan.CLOSED;
import static net.async.tcp.Chan.CONNECTED;
import static net.async.tcp.Chan.DISCONNECTED;
import static net.async.tcp.Chan.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Shutting an event loop down ends everything it owns: each read-chan yields {@code :closed} and
 * closes, ports are free at once, the thread ends, and no file descriptor is left behind.
 */
class ShutdownTest {
    /** Slack for descriptors the JVM opens on its own meanwhile (jars, /dev/random). */
    private static final int FD_SLACK = 8;

    @Test
    void shutdownClosesEveryReadChanAndFreesThePortAtOnce() throws Exception {
        EventLoop loop = Tcp.eventLoop();
        int port;
        ClientSocket client;
        ClientSocket accepted;
        ClientSocket redialing;
        try {
            AcceptSocket server = Sockets.listen(loop);
            port = server.port();
            client = Sockets.connect(loop, port);
            accepted = Sockets.nextAccepted(server);
            redialing = Sockets.connect(loop, Sockets.freePort());
            assertEquals(CONNECTED, Chan.take(client.readChan()));
            assertEquals(CONNECTED, Chan.take(accepted.readChan()));
            assertEquals(DISCONNECTED, Chan.take(redialing.readChan()));
        } finally {
            Tcp.shutdown(loop);
        }
        assertFalse(loop.isRunning());
        try (EventLoop next = Tcp.eventLoop()) {
            assertEquals(port, Sockets.listen(next, port).port(), "the port must be free right after shutdown");
        }
        Chan.assertClosesNext(client.readChan());
        Chan.assertClosesNext(accepted.readChan());
        Chan.assertClosesNext(redialing.readChan());
    }

    @Test
    void readChanNobodyTookFromStillEndsWithClosedAfterShutdown() throws Exception {
        ClientSocket client;
        try (EventLoop serverLoop = Tcp.eventLoop()) {
            AcceptSocket server = Sockets.listen(serverLoop);
            try (EventLoop clientLoop = Tcp.eventLoop()) {
                client = Sockets.connect(clientLoop, server.port());
                ClientSocket accepted = Sockets.nextAccepted(server);
                // the server hearing from the client proves the client's link is up (its read-chan
                // holds :connected) without anybody taking from that read-chan
                Chan.put(client.writeChan(), bytes("up"));
                assertEquals(CONNECTED, Chan.take(accepted.readChan()));
                assertEquals("up", Chan.take(accepted.readChan()));
                for (String s : List.of("a", "b", "c")) {
                    Chan.put(accepted.writeChan(), bytes(s));
                }
            }
        }
        // the loop is gone, yet the backlog drains into read-chan as it is taken
        List<Object> seen = new ArrayList<>();
        for (Object value = Chan.take(client.readChan()); value != null; value = Chan.take(client.readChan())) {
            seen.add(value);
        }
        assertEquals(CONNECTED, seen.get(0));
        assertEquals(CLOSED, seen.get(seen.size() - 1));
        assertEquals(List.of("a", "b", "c").subList(0, seen.size() - 2), seen.subList(1, seen.size() - 1));
    }

    @Test
    void aClientAndItsServerOnOneLoopBothGetClosedNextAtShutdown() throws Exception {
        // the server end's close may be read by the client before the client's own shutdown task
        // runs: that must not make it :disconnected (and redial), which it did in 14 of 100 tries
        for (int i = 0; i < 30; i++) {
            EventLoop loop = Tcp.eventLoop();
            AcceptSocket server = Sockets.listen(loop);
            ClientSocket client = Sockets.connect(loop, server.port());
            ClientSocket accepted = Sockets.nextAccepted(server);
            assertEquals(CONNECTED, Chan.take(client.readChan()));
            assertEquals(CONNECTED, Chan.take(accepted.readChan()));
            loop.close();
            Chan.assertClosesNext(client.readChan());
            Chan.assertClosesNext(accepted.readChan());
        }
    }

    @Test
    void shutdownEndsTheNetAsyncTcpThread() throws Exception {
        EventLoop loop = Tcp.eventLoop();
        Thread thread;
        try {
            thread = loop.reactor().next().submit(Thread::currentThread).get();
            assertTrue(thread.getName().matches("net-async-tcp-\\d+"), thread.getName());
        } finally {
            loop.close();
        }
        assertFalse(thread.isAlive(), "close() returns once the thread has ended");
        String name = thread.getName();
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals(name)), name);
    }

    @Test
    void shutdownIsIdempotentAndTheLoopRefusesNewConnections() {
        EventLoop loop = Tcp.eventLoop();
        loop.close();
        loop.close();
        Tcp.shutdown(loop);
        assertThrows(IllegalStateException.class, () -> Sockets.connect(loop, 9));
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void connectAndCloseCyclesLeakNoFileDescriptors() throws Exception {
        try (EventLoop serverLoop = Tcp.eventLoop(); EventLoop clientLoop = Tcp.eventLoop()) {
            AcceptSocket server = Sockets.listen(serverLoop);
            connectAndClose(clientLoop, server); // warm up: lazily opened jars and the like
            int before = openFileDescriptors();
            for (int i = 0; i < 1000; i++) {
                connectAndClose(clientLoop, server);
            }
            Await.until(() -> openFileDescriptors() <= before + FD_SLACK, Duration.ofSeconds(5),
                    "descriptors back near " + before + ", now " + openFileDescriptors());
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void eventLoopCyclesLeakNoFileDescriptorsOrThreads() throws Exception {
        cycleEventLoop();
        int before = openFileDescriptors();
        for (int i = 0; i < 100; i++) {
            cycleEventLoop();
        }
        Await.until(() -> openFileDescriptors() <= before + FD_SLACK, Duration.ofSeconds(5),
                "descriptors back near " + before + ", now " + openFileDescriptors());
    }

    private static void connectAndClose(EventLoop clientLoop, AcceptSocket server) {
        ClientSocket client = Sockets.connect(clientLoop, server.port());
        ClientSocket accepted = Sockets.nextAccepted(server);
        assertEquals(CONNECTED, Chan.take(client.readChan()));
        Chan.close(client.writeChan());
        Chan.assertClosesNext(client.readChan());
        assertEquals(CONNECTED, Chan.take(accepted.readChan()));
        Chan.assertClosesNext(accepted.readChan());
    }

    private static void cycleEventLoop() throws Exception {
        Thread thread;
        try (EventLoop loop = Tcp.eventLoop()) {
            AcceptSocket server = Sockets.listen(loop);
            Sockets.connect(loop, server.port());
            assertEquals(CONNECTED, Chan.take(Sockets.nextAccepted(server).readChan()));
            thread = loop.reactor().next().submit(Thread::currentThread).get();
        }
        assertFalse(thread.isAlive(), thread.getName());
    }

    private static int openFileDescriptors() {
        String[] fds = new File("/proc/self/fd").list();
        if (fds == null) {
            throw new AssertionError("counting descriptors needs Linux's /proc/self/fd");
        }
        return fds.length;
    }
}
