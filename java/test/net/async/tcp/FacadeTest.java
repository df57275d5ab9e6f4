/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clojure.java.api.Clojure;
import clojure.lang.IFn;
import java.net.BindException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Java door: typed handles over real loopback sockets, and sharing with Clojure code. */
class FacadeTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final ConnectOptions FAST_RECONNECT = ConnectOptions.builder().reconnectPeriodMillis(50).build();

    @org.junit.jupiter.api.BeforeAll
    static void loadTheClojureSide() {
        IFn require = Clojure.var("clojure.core", "require");
        require.invoke(Clojure.read("net.async.tcp"));
        require.invoke(Clojure.read("net.async.echo-demo"));
    }

    @Test
    void echoesThroughTypedHandles() throws Exception {
        try (EventLoop loop = Tcp.eventLoop();
             AcceptSocket server = Tcp.accept(loop, 0);
             ClientSocket client = Tcp.connect(loop, "127.0.0.1", server.port())) {
            ClientSocket peer = server.accept(WAIT);
            assertEquals(Event.CONNECTED, client.read(WAIT));
            assertEquals(Event.CONNECTED, peer.read(WAIT));

            assertTrue(client.write(bytes("ping")));
            Event ping = peer.read(WAIT);
            assertEquals(Event.Kind.MESSAGE, ping.kind());
            assertTrue(peer.writeAsync(bytes("pong")).get(5, TimeUnit.SECONDS));
            assertEquals("pong", text(client.readAsync().get(5, TimeUnit.SECONDS)));
        }
    }

    @Test
    void readTimesOutWithNullAndLeavesNoTakeBehind() throws Exception {
        try (EventLoop loop = Tcp.eventLoop();
             AcceptSocket server = Tcp.accept(loop, 0);
             ClientSocket client = Tcp.connect(loop, "127.0.0.1", server.port())) {
            ClientSocket peer = server.accept(WAIT);
            assertEquals(Event.CONNECTED, client.read(WAIT));
            assertNull(client.read(Duration.ofMillis(50)));
            peer.write(bytes("after the timeout"));
            assertEquals("after the timeout", text(client.read(WAIT)));
        }
    }

    @Test
    void clientSeesDisconnectedThenConnectedAcrossServerRestart() throws Exception {
        try (EventLoop clientLoop = Tcp.eventLoop()) {
            int port;
            ClientSocket client;
            try (EventLoop serverLoop = Tcp.eventLoop()) {
                AcceptSocket server = Tcp.accept(serverLoop, 0);
                port = server.port();
                client = Tcp.connect(clientLoop, "127.0.0.1", port, FAST_RECONNECT);
                assertEquals(Event.CONNECTED, client.read(WAIT));
            }
            assertEquals(Event.DISCONNECTED, client.read(WAIT));
            try (EventLoop serverLoop = Tcp.eventLoop()) {
                AcceptSocket server = Tcp.accept(serverLoop, port);
                assertEquals(Event.CONNECTED, client.read(WAIT));
                client.write(bytes("again"));
                ClientSocket peer = server.accept(WAIT);
                assertEquals(Event.CONNECTED, peer.read(WAIT));
                assertEquals("again", text(peer.read(WAIT)));
            }
        }
    }

    @Test
    void closeDeliversWhatWasWrittenThenClosedAndWriteReturnsFalse() throws Exception {
        try (EventLoop loop = Tcp.eventLoop(); AcceptSocket server = Tcp.accept(loop, 0)) {
            ClientSocket client = Tcp.connect(loop, "127.0.0.1", server.port(),
                    ConnectOptions.builder().writeChan(net.async.tcp.impl.chan.Chans.chan(16)).build());
            for (int i = 0; i < 10; i++) {
                assertTrue(client.write(bytes("m" + i)));
            }
            client.close();
            ClientSocket peer = server.accept(WAIT);
            assertEquals(Event.CONNECTED, peer.read(WAIT));
            for (int i = 0; i < 10; i++) {
                assertEquals("m" + i, text(peer.read(WAIT)));
            }
            assertEquals(Event.CLOSED, peer.read(WAIT));
            assertEquals(Event.CONNECTED, client.read(WAIT));
            assertEquals(Event.CLOSED, client.read(WAIT));
            assertEquals(Event.CLOSED, client.read(WAIT), "a closed read-chan keeps reading as CLOSED");
            assertFalse(client.write(bytes("too late")));
        }
    }

    @Test
    void acceptSocketCloseFreesThePortBeforeReturning() throws Exception {
        try (EventLoop loop = Tcp.eventLoop()) {
            AcceptSocket server = Tcp.accept(loop, "127.0.0.1", 0, AcceptOptions.defaults());
            server.close();
            try (ServerSocket again = new ServerSocket(server.port(), 50, java.net.InetAddress.getLoopbackAddress())) {
                assertEquals(server.port(), again.getLocalPort());
            }
            assertNull(server.accept(Duration.ofMillis(10)), "accept-chan is closed");
        }
    }

    @Test
    void acceptOnATakenPortThrowsBindException() throws Exception {
        try (EventLoop loop = Tcp.eventLoop(); AcceptSocket server = Tcp.accept(loop, 0)) {
            assertThrows(BindException.class, () -> Tcp.accept(loop, server.port()));
        }
    }

    @Test
    void optionsRejectBadValuesNamingThem() {
        assertMessage("reconnect-period must be > 0: -1",
                () -> ConnectOptions.builder().reconnectPeriodMillis(-1).build());
        assertMessage("heartbeat-timeout must be > 0: 0",
                () -> AcceptOptions.builder().heartbeatTimeoutMillis(0).build());
        assertMessage("heartbeat-timeout must be longer than heartbeat-period (1000 ms)",
                () -> ConnectOptions.builder().heartbeatPeriodMillis(1000).heartbeatTimeoutMillis(500).build());
        assertMessage("max-frame-size must be > 0: 0", () -> AcceptOptions.builder().maxFrameSize(0).build());
        assertMessage("session-buffer must be > 0: 0",
                () -> ConnectOptions.builder().session(true).sessionBufferBytes(0).build());
        assertMessage("max-detached-bytes must be > 0: -1", () -> AcceptOptions.builder().maxDetachedBytes(-1).build());
        try (EventLoop loop = Tcp.eventLoop()) {
            assertMessage("port must be in 0..65535: 70000", () -> Tcp.connect(loop, "localhost", 70000));
            assertMessage("port must be in 0..65535: -1", () -> Tcp.accept(loop, -1));
        }
    }

    @Test
    void defaultsAreTheOriginalLibrarys() {
        ConnectOptions options = ConnectOptions.defaults();
        assertEquals(1000, options.reconnectPeriodMillis());
        assertEquals(5000, options.heartbeatPeriodMillis());
        assertEquals(20000, options.heartbeatTimeoutMillis());
        assertEquals(4000, ConnectOptions.builder().heartbeatPeriodMillis(1000).build().heartbeatTimeoutMillis());
        assertFalse(options.session(), "sessions are opt-in");
        AcceptOptions sessions = AcceptOptions.builder().session(true).build();
        assertEquals(120_000, sessions.sessionExpiryMillis());
        assertEquals(4 * 1024 * 1024, sessions.sessionBufferBytes());
        assertEquals(10_000, sessions.maxDetachedSessions());
        assertEquals(256L * 1024 * 1024, sessions.maxDetachedBytes());
    }

    @Test
    void javaClientTalksToTheClojureEchoServer() throws Exception {
        Object clojureLoop = Clojure.var("net.async.tcp", "event-loop").invoke();
        try (EventLoop loop = Tcp.eventLoop()) {
            Map<?, ?> acceptor = (Map<?, ?>) Clojure.var("net.async.echo-demo", "echo-server").invoke(clojureLoop, 0);
            int port = ((Number) acceptor.get(Clojure.read(":port"))).intValue();
            ClientSocket client = Tcp.connect(loop, "127.0.0.1", port);
            assertEquals(Event.CONNECTED, client.read(WAIT));
            client.write(bytes("from java"));
            assertEquals("ECHO/from java", text(client.read(WAIT)));
        } finally {
            Clojure.var("net.async.tcp", "shutdown!").invoke(clojureLoop);
        }
    }

    @Test
    void javaHandlesShareTheChannelsOfAClojureConnection() throws Exception {
        Object clojureLoop = Clojure.var("net.async.tcp", "event-loop").invoke();
        try (EventLoop loop = Tcp.eventLoop(); AcceptSocket server = Tcp.accept(loop, 0)) {
            Map<?, ?> socket = (Map<?, ?>) Clojure.var("net.async.tcp", "connect")
                    .invoke(clojureLoop, Clojure.read("{:host \"127.0.0.1\" :port " + server.port() + "}"));
            ClientSocket client = ClientSocket.of(socket);
            assertSame(socket.get(Clojure.read(":read-chan")), client.readChan());
            assertEquals(Event.CONNECTED, client.read(WAIT));
            client.write(bytes("shared"));
            ClientSocket peer = server.accept(WAIT);
            assertEquals(Event.CONNECTED, peer.read(WAIT));
            assertArrayEquals(bytes("shared"), peer.read(WAIT).payload());
        } finally {
            Clojure.var("net.async.tcp", "shutdown!").invoke(clojureLoop);
        }
    }

    @Test
    void eventsMapToAndFromTheClojureKeywords() {
        for (Event status : new Event[] {Event.CONNECTED, Event.DISCONNECTED, Event.SESSION_LOST, Event.CLOSED}) {
            assertSame(status, Event.of(status.keyword()));
        }
        assertSame(Event.CLOSED, Event.of(null));
        assertThrows(IllegalArgumentException.class, () -> Event.of("not an event"));
    }

    private static void assertMessage(String expectedStart, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private static String text(Event event) {
        assertTrue(event != null && event.isMessage(), "expected a message, got " + event);
        return new String(event.payload(), UTF_8);
    }
}
