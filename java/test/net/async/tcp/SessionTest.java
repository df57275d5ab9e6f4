/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import static net.async.tcp.Chan.CLOSED;
import static net.async.tcp.Chan.CONNECTED;
import static net.async.tcp.Chan.DISCONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clojure.lang.Keyword;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Session mode over real loopback sockets: the handshake, a restart, closing from either end. */
class SessionTest {
    static final Keyword SESSION_LOST = Keyword.intern("session-lost");

    static ConnectOptions.Builder client() {
        return Sockets.fastClient().session(true);
    }

    static AcceptOptions.Builder server() {
        return Sockets.fastServer().session(true);
    }

    /** A client session and the accepted end of it. */
    record Ends(ClientSocket client, ClientSocket accepted) {
    }

    static Ends connect(EventLoop loop, AcceptSocket server, ConnectOptions.Builder options) {
        ClientSocket client = Tcp.connect(loop, Sockets.HOST, server.port(), options.build());
        return new Ends(client, Sockets.nextAccepted(server));
    }

    /** An accepted session whose client came, then went for good: its event loop shut down. */
    static ClientSocket abandoned(AcceptSocket server) {
        try (EventLoop clientLoop = Tcp.eventLoop()) {
            Tcp.connect(clientLoop, Sockets.HOST, server.port(), client().build());
            ClientSocket accepted = Sockets.nextAccepted(server);
            assertEquals(CONNECTED, Chan.take(accepted.readChan()));
            return accepted;
        }
    }

    @Test
    void messagesFlowBothWaysAfterTheHandshake() throws Exception {
        try (EventLoop loop = Tcp.eventLoop()) {
            AcceptSocket server = Tcp.accept(loop, Sockets.HOST, 0, server().build());
            Ends ends = connect(loop, server, client());
            ClientSocket client = ends.client();
            ClientSocket accepted = ends.accepted();
            assertEquals(CONNECTED, Chan.take(client.readChan()));
            assertEquals(CONNECTED, Chan.take(accepted.readChan()));
            Chan.put(client.writeChan(), Chan.bytes("ping"));
            assertEquals("ping", Chan.take(accepted.readChan()));
            Chan.put(accepted.writeChan(), Chan.bytes("pong"));
            assertEquals("pong", Chan.take(client.readChan()));
        }
    }

    /**
     * Exact accounting across a server restart: the first server saw 0..a, the second sees b..N-1,
     * and b ≤ a + 1. Only the messages sent but not yet acknowledged when the first server died
     * (b..a) may arrive twice, once at each server; none is lost, none comes twice to one server.
     */
    @Test
    void aRestartedServerMeansSessionLostAndTheUnacknowledgedAreSentAgain() throws Exception {
        int total = 2_000;
        try (EventLoop clientLoop = Tcp.eventLoop()) {
            EventLoop serverLoop = Tcp.eventLoop();
            AcceptSocket server = Tcp.accept(serverLoop, Sockets.HOST, 0, server().build());
            int port = server.port();
            ClientSocket client = Tcp.connect(clientLoop, Sockets.HOST, port, client().build());
            Thread writer = Streams.write(client, "restart", total);
            ClientSocket first = Sockets.nextAccepted(server);
            assertEquals(CONNECTED, Chan.take(first.readChan()));
            List<Integer> before = Streams.readUntil(first, "restart", n -> n >= 500);
            serverLoop.close(); // mid-stream: some messages are on the wire, some unacknowledged
            try (EventLoop again = Tcp.eventLoop()) {
                AcceptSocket restarted = Tcp.accept(again, Sockets.HOST, port, server().build());
                ClientSocket second = Sockets.nextAccepted(restarted);
                assertEquals(CONNECTED, Chan.take(second.readChan()));
                List<Integer> after = Streams.readUntil(second, "restart", n -> n == total - 1);
                writer.join(Chan.WAIT.toMillis());

                int lastBefore = before.get(before.size() - 1);
                int firstAfter = after.get(0);
                assertEquals(Streams.range(0, lastBefore), before, "the first server: 0.. in order, each once");
                assertEquals(Streams.range(firstAfter, total - 1), after, "the second: the rest, in order, each once");
                assertTrue(firstAfter <= lastBefore + 1, "nothing lost between them: " + lastBefore + ", " + firstAfter);
                System.out.println("session restart: first server got 0.." + lastBefore + ", the second "
                        + firstAfter + ".." + (total - 1) + ": " + (lastBefore + 1 - firstAfter) + " sent again");
                assertEquals(List.of(CONNECTED, DISCONNECTED, SESSION_LOST, CONNECTED), Chan.take(client.readChan(), 4));
            }
        }
    }

    @Test
    void closingTheClientEndsTheSessionOnBothEnds() throws Exception {
        try (EventLoop loop = Tcp.eventLoop()) {
            Ends ends = connect(loop, Tcp.accept(loop, Sockets.HOST, 0, server().build()), client());
            ClientSocket client = ends.client();
            ClientSocket accepted = ends.accepted();
            assertEquals(CONNECTED, Chan.take(client.readChan()));
            Chan.put(client.writeChan(), Chan.bytes("last"));
            client.close();
            assertEquals(List.of(CONNECTED, "last", CLOSED), Chan.take(accepted.readChan(), 3));
            assertNull(Chan.take(accepted.readChan()));
            Chan.assertClosesNext(client.readChan());
        }
    }

    @Test
    void closingTheServerEndEndsTheSessionAndTheClientGoesOnWithANewOne() throws Exception {
        try (EventLoop loop = Tcp.eventLoop()) {
            AcceptSocket server = Tcp.accept(loop, Sockets.HOST, 0, server().build());
            Ends ends = connect(loop, server, client());
            ClientSocket client = ends.client();
            ClientSocket accepted = ends.accepted();
            Chan.put(accepted.writeChan(), Chan.bytes("goodbye"));
            accepted.close();
            assertEquals(List.of(CONNECTED, "goodbye", DISCONNECTED, CONNECTED), Chan.take(client.readChan(), 4),
                    "a new session, not a lost one: nothing can come twice");
            assertEquals(List.of(CONNECTED, CLOSED), Chan.take(accepted.readChan(), 2));
            ClientSocket next = Sockets.nextAccepted(server);
            Chan.put(client.writeChan(), Chan.bytes("hello again"));
            assertEquals(List.of(CONNECTED, "hello again"), Chan.take(next.readChan(), 2));
        }
    }

    @Test
    void aSessionWhoseClientStaysAwayExpires() throws Exception {
        try (EventLoop serverLoop = Tcp.eventLoop()) {
            AcceptSocket server = Tcp.accept(serverLoop, Sockets.HOST, 0, server().sessionExpiryMillis(300).build());
            long gone = System.nanoTime();
            ClientSocket accepted = abandoned(server);
            assertEquals(DISCONNECTED, Chan.take(accepted.readChan()));
            Chan.put(accepted.writeChan(), Chan.bytes("kept while away"));
            Chan.assertClosesNext(accepted.readChan());
            long millis = (System.nanoTime() - gone) / 1_000_000;
            assertTrue(millis >= 300, "expired after " + millis + " ms, not before session-expiry");
        }
    }

    @Test
    void aFullBufferStopsTheWriterUntilTheStalledReaderTakes() throws Exception {
        int buffer = 16 * (1024 + 32);
        try (EventLoop loop = Tcp.eventLoop()) {
            Ends ends = connect(loop, Tcp.accept(loop, Sockets.HOST, 0, server().build()),
                    client().sessionBufferBytes(buffer));
            ClientSocket client = ends.client();
            ClientSocket accepted = ends.accepted();
            int taken = 0;
            while (Chan.tryPut(client.writeChan(), new byte[1024], Duration.ofMillis(300))) {
                taken++;
                assertTrue(taken < 1000, "the writer should have been stopped long ago");
            }
            // the buffer, plus what the outbox held when it filled, plus the one write-chan put! parked on
            assertTrue(taken >= 16 && taken <= 18, "taken before the writer waited: " + taken);
            assertEquals(CONNECTED, Chan.take(accepted.readChan()));
            for (int i = 0; i < taken; i++) {
                assertEquals(1024, ((byte[]) Chan.takeRaw(accepted.readChan(), Chan.WAIT)).length);
            }
            assertTrue(Chan.tryPut(client.writeChan(), new byte[1024], Chan.WAIT), "acks let the writer go on");
        }
    }

    @Test
    void theOldestDetachedSessionIsEvictedBeyondTheBoundAndCounted() throws Exception {
        try (EventLoop serverLoop = Tcp.eventLoop()) {
            AcceptSocket server = Tcp.accept(serverLoop, Sockets.HOST, 0, server().maxDetachedSessions(2).build());
            List<ClientSocket> accepted = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ClientSocket session = abandoned(server);
                assertEquals(DISCONNECTED, Chan.take(session.readChan()));
                accepted.add(session);
            }
            Chan.assertClosesNext(accepted.get(0).readChan());
            assertEquals(1, server.evictedSessions());
            Chan.assertNothingFor(accepted.get(1).readChan(), Duration.ofMillis(100));
            Stats stats = server.stats();
            assertEquals(java.util.List.of(1L, 1L, 2L), java.util.List.of(stats.evicted(), stats.sessionsLost(),
                    stats.connections()), "the evicted session is lost; the two kept are alive, their clients away");
            assertEquals(1, serverLoop.stats().evicted());
        }
    }

    @Test
    void closingWhileTheServerIsAwayGivesUpAfterSessionExpiry() throws Exception {
        int port = Sockets.freePort();
        try (EventLoop loop = Tcp.eventLoop()) {
            ClientSocket client = Tcp.connect(loop, Sockets.HOST, port, client().sessionExpiryMillis(300).build());
            Chan.put(client.writeChan(), Chan.bytes("undeliverable"));
            long closed = System.nanoTime();
            client.close();
            assertEquals(DISCONNECTED, Chan.take(client.readChan()));
            Chan.assertClosesNext(client.readChan());
            assertTrue((System.nanoTime() - closed) / 1_000_000 >= 300, "waited for the server as long as allowed");
        }
    }

    @Test
    void closingAClientThatNeverHadASessionAndHasNothingToSendIsImmediate() throws Exception {
        int port = Sockets.freePort();
        try (EventLoop loop = Tcp.eventLoop()) {
            ClientSocket client = Tcp.connect(loop, Sockets.HOST, port, client().build());
            long closed = System.nanoTime();
            client.close();
            Object first = Chan.take(client.readChan()); // a failed dial may have come before the close
            if (first == DISCONNECTED) {
                first = Chan.take(client.readChan());
            }
            assertEquals(CLOSED, first);
            long millis = (System.nanoTime() - closed) / 1_000_000;
            assertTrue(millis < 1000, "no session to end and nothing to deliver: no wait, but " + millis + " ms");
        }
    }

    @Test
    void aDetachedSessionHoldingMoreThanMaxDetachedBytesIsEvicted() throws Exception {
        try (EventLoop serverLoop = Tcp.eventLoop()) {
            AcceptSocket server = Tcp.accept(serverLoop, Sockets.HOST, 0, server().maxDetachedBytes(8 * 1024).build());
            ClientSocket accepted = abandoned(server);
            assertEquals(DISCONNECTED, Chan.take(accepted.readChan()));
            int taken = 0;
            while (accepted.writeAsync(new byte[1024]).get(Chan.WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                taken++; // false once the session has ended
                assertTrue(taken < 100, "kept " + taken + " KiB for a client that is away");
            }
            assertTrue(taken >= 7, "evicted at " + taken + " KiB, before its 8 KiB");
            Chan.assertClosesNext(accepted.readChan());
            assertEquals(1, server.evictedSessions());
        }
    }

    @Test
    void closingTheAcceptChanEndsTheSessionsWhoseClientsAreAway() throws Exception {
        try (EventLoop serverLoop = Tcp.eventLoop()) {
            AcceptSocket server = Tcp.accept(serverLoop, Sockets.HOST, 0, server().build());
            ClientSocket accepted = abandoned(server);
            assertEquals(DISCONNECTED, Chan.take(accepted.readChan()));
            server.close(); // nobody can come back through a closed port
            Chan.assertClosesNext(accepted.readChan());
        }
    }
}
