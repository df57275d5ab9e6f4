/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static net.async.tcp.Chan.CONNECTED;
import static net.async.tcp.Chan.DISCONNECTED;
import static net.async.tcp.Chan.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * A client's read-chan: {@code :connected}, payloads in order, one {@code :disconnected} per lost
 * link however many redials fail, redials every reconnect-period whether or not anyone reads, and
 * nothing taken from write-chan is lost across a reconnect.
 */
class ClientReconnectTest {
    /** About ten redials at the fast reconnect-period of 50 ms. */
    private static final Duration TEN_REDIALS = Duration.ofMillis(10 * Sockets.RECONNECT_MILLIS);

    @Test
    void clientYieldsConnectedThenPayloadsInOrderBothWays() throws Exception {
        try (EventLoop serverLoop = Tcp.eventLoop(); EventLoop clientLoop = Tcp.eventLoop()) {
            AcceptSocket server = Sockets.listen(serverLoop);
            ClientSocket client = Sockets.connect(clientLoop, server.port());
            ClientSocket accepted = Sockets.nextAccepted(server);
            List<Object> sent = new ArrayList<>(List.of(CONNECTED));
            for (int i = 0; i < 100; i++) {
                Chan.put(accepted.writeChan(), bytes("to-client-" + i));
                sent.add("to-client-" + i);
            }
            assertEquals(sent, Chan.take(client.readChan(), sent.size()));
            for (int i = 0; i < 100; i++) {
                Chan.put(client.writeChan(), bytes("to-server-" + i));
                assertEquals(i == 0 ? CONNECTED : "to-server-" + (i - 1), Chan.take(accepted.readChan()));
            }
            assertEquals("to-server-99", Chan.take(accepted.readChan()));
        }
    }

    @Test
    void clientStartedBeforeItsServerConnectsOnceTheServerAppears() throws Exception {
        int port = Sockets.freePort();
        try (EventLoop serverLoop = Tcp.eventLoop(); EventLoop clientLoop = Tcp.eventLoop()) {
            ClientSocket client = Sockets.connect(clientLoop, port);
            assertEquals(DISCONNECTED, Chan.take(client.readChan()));
            AcceptSocket server = Sockets.listen(serverLoop, port);
            ClientSocket accepted = Sockets.nextAccepted(server);
            assertEquals(CONNECTED, Chan.take(client.readChan()));
            Chan.put(client.writeChan(), bytes("hello"));
            assertEquals(List.of(CONNECTED, "hello"), Chan.take(accepted.readChan(), 2));
        }
    }

    @Test
    void disconnectedComesOncePerLostLinkNotOncePerFailedRedial() throws Exception {
        int port = Sockets.freePort();
        try (EventLoop clientLoop = Tcp.eventLoop()) {
            ClientSocket client = Sockets.connect(clientLoop, port);
            assertEquals(DISCONNECTED, Chan.take(client.readChan()));
            Chan.assertNothingFor(client.readChan(), TEN_REDIALS);
            for (int round = 0; round < 2; round++) {
                try (EventLoop serverLoop = Tcp.eventLoop()) {
                    Sockets.nextAccepted(Sockets.listen(serverLoop, port));
                    assertEquals(CONNECTED, Chan.take(client.readChan()));
                }
                assertEquals(DISCONNECTED, Chan.take(client.readChan()));
                Chan.assertNothingFor(client.readChan(), TEN_REDIALS);
            }
        }
    }

    @Test
    void clientRedialsWhileNobodyReadsItsReadChan() throws Exception {
        try (EventLoop clientLoop = Tcp.eventLoop()) {
            int port;
            ClientSocket client;
            try (EventLoop serverLoop = Tcp.eventLoop()) {
                AcceptSocket server = Sockets.listen(serverLoop);
                port = server.port();
                client = Sockets.connect(clientLoop, port);
                Sockets.nextAccepted(server);
                assertEquals(CONNECTED, Chan.take(client.readChan()));
            }
            // nobody takes :disconnected, yet the client must come back on its own
            try (EventLoop serverLoop = Tcp.eventLoop()) {
                ClientSocket accepted = Sockets.nextAccepted(Sockets.listen(serverLoop, port));
                assertEquals(CONNECTED, Chan.take(accepted.readChan()));
                assertEquals(List.of(DISCONNECTED, CONNECTED), Chan.take(client.readChan(), 2));
            }
        }
    }

    @Test
    void clientReconnectsAfterTheServerResetsTheConnection() throws Exception {
        try (EventLoop loop = Tcp.eventLoop(); ServerSocket raw = WireFormatTest.rawServer()) {
            ClientSocket client = Sockets.connect(loop, raw.getLocalPort());
            try (RawPeer first = RawPeer.accept(raw)) {
                assertEquals(CONNECTED, Chan.take(client.readChan()));
                first.reset();
            }
            try (RawPeer second = RawPeer.accept(raw)) {
                assertEquals(List.of(DISCONNECTED, CONNECTED), Chan.take(client.readChan(), 2));
                Chan.put(client.writeChan(), bytes("again"));
                assertEquals("again", new String(second.readPayload(), UTF_8));
            }
        }
    }

    @Test
    void unresolvableHostIsRetriedLikeARefusedConnection() {
        try (EventLoop loop = Tcp.eventLoop()) {
            ClientSocket client = Tcp.connect(loop, "no-such-host.invalid", 9, Sockets.fastClient().build());
            assertEquals(DISCONNECTED, Chan.take(client.readChan()));
            Chan.assertNothingFor(client.readChan(), TEN_REDIALS);
            Chan.close(client.writeChan());
            Chan.assertClosesNext(client.readChan());
        }
    }

    @Test
    void messagesWrittenWhileDisconnectedAreSentAfterReconnect() throws Exception {
        try (EventLoop clientLoop = Tcp.eventLoop()) {
            int port;
            ClientSocket client;
            try (EventLoop serverLoop = Tcp.eventLoop()) {
                AcceptSocket server = Sockets.listen(serverLoop);
                port = server.port();
                client = Sockets.connect(clientLoop, port);
                Sockets.nextAccepted(server);
                assertEquals(CONNECTED, Chan.take(client.readChan()));
            }
            assertEquals(DISCONNECTED, Chan.take(client.readChan()));
            // the write loop's pending take holds the first; the second must wait for a link
            Chan.put(client.writeChan(), bytes("first"));
            CompletableFuture<Boolean> second = Chan.putAsync(client.writeChan(), bytes("second"));
            assertThrows(TimeoutException.class, () -> second.get(TEN_REDIALS.toMillis(), TimeUnit.MILLISECONDS),
                    "write-chan must not be drained while disconnected");
            try (EventLoop serverLoop = Tcp.eventLoop()) {
                ClientSocket accepted = Sockets.nextAccepted(Sockets.listen(serverLoop, port));
                assertEquals(List.of(CONNECTED, "first", "second"), Chan.take(accepted.readChan(), 3));
                assertTrue(second.get(Chan.WAIT.toMillis(), TimeUnit.MILLISECONDS));
                assertEquals(CONNECTED, Chan.take(client.readChan()));
            }
        }
    }
}
