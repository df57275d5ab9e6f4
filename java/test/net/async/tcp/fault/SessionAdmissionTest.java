/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import static net.async.tcp.Chan.CONNECTED;
import static net.async.tcp.Chan.DISCONNECTED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import net.async.tcp.AcceptOptions;
import net.async.tcp.AcceptSocket;
import net.async.tcp.Await;
import net.async.tcp.Chan;
import net.async.tcp.ClientSocket;
import net.async.tcp.ConnectOptions;
import net.async.tcp.EventLoop;
import net.async.tcp.RawPeer;
import net.async.tcp.Sockets;
import net.async.tcp.Tcp;
import net.async.tcp.Trouble;
import org.junit.jupiter.api.Test;

/**
 * A busy session server: its user takes new clients from accept-chan only when it has room for
 * them, as servers under load do. A resume must never wait behind the clients it has not taken:
 * the listening socket goes on accepting, a resume attaches at once, and only new sessions wait,
 * as many as {@code max-pending-sessions}; links still in their handshake are bounded by
 * {@code max-handshakes}. Every link goes through a {@link FaultProxy} that resets them all at once.
 *
 * <h3>Threading</h3>
 * The test thread only; the sockets live on their loops.
 */
class SessionAdmissionTest {
    private static ConnectOptions client() {
        return Sockets.fastClient().session(true).build();
    }

    private static AcceptOptions.Builder server() {
        return Sockets.fastServer().session(true);
    }

    @Test
    void resumesAttachWhileAcceptChanIsNotTaken() throws Exception {
        try (Trouble trouble = Trouble.watch();
             EventLoop loop = Tcp.eventLoop();
             EventLoop clients = Tcp.eventLoop()) {
            AcceptSocket server = Tcp.accept(loop, Sockets.HOST, 0, server().build());
            try (FaultProxy proxy = FaultProxy.start(server.port(), Plan.of(0, 0, 1))) {
                List<Pair> taken = List.of(connectAndTake(clients, proxy, server),
                        connectAndTake(clients, proxy, server));
                ClientSocket waiting = Tcp.connect(clients, Sockets.HOST, proxy.port(), client());
                assertEquals(CONNECTED, Chan.take(waiting.readChan()), "welcomed, though accept-chan has not taken it");
                Await.until(() -> server.stats().pendingSessions() == 1, Chan.WAIT, "one new session waits");

                proxy.resetAll();

                for (Pair pair : taken) {
                    assertEquals(List.of(DISCONNECTED, CONNECTED), Chan.take(pair.accepted().readChan(), 2),
                            "resumed while a new session waits on accept-chan");
                    assertEquals(List.of(DISCONNECTED, CONNECTED), Chan.take(pair.client().readChan(), 2));
                    Chan.put(pair.client().writeChan(), Chan.bytes("after"));
                    assertEquals("after", Chan.take(pair.accepted().readChan()));
                }
                assertEquals(1, server.stats().pendingSessions(), "the new one still waits");
                assertEquals(0, server.stats().sessionsLost());
                ClientSocket third = Sockets.nextAccepted(server);
                assertEquals(CONNECTED, Chan.take(third.readChan()));
                Await.until(() -> server.stats().pendingSessions() == 0, Chan.WAIT, "none waits once taken");
            }
            trouble.assertNone();
        }
    }

    private record Pair(ClientSocket client, ClientSocket accepted) {
    }

    /** One session client through the proxy, taken off accept-chan, a message from it. */
    private static Pair connectAndTake(EventLoop loop, FaultProxy proxy, AcceptSocket server) {
        ClientSocket client = Tcp.connect(loop, Sockets.HOST, proxy.port(), client());
        ClientSocket accepted = Sockets.nextAccepted(server);
        assertEquals(CONNECTED, Chan.take(accepted.readChan()));
        assertEquals(CONNECTED, Chan.take(client.readChan()));
        Chan.put(client.writeChan(), Chan.bytes("hello"));
        assertEquals("hello", Chan.take(accepted.readChan()));
        return new Pair(client, accepted);
    }

    @Test
    void beyondMaxPendingSessionsANewSessionWaitsForRoom() throws Exception {
        try (EventLoop loop = Tcp.eventLoop(); EventLoop clients = Tcp.eventLoop()) {
            AcceptSocket server = Tcp.accept(loop, Sockets.HOST, 0, server().maxPendingSessions(1).build());
            ClientSocket first = Tcp.connect(clients, Sockets.HOST, server.port(), client());
            assertEquals(CONNECTED, Chan.take(first.readChan()));
            ClientSocket second = Tcp.connect(clients, Sockets.HOST, server.port(), client());
            Await.until(() -> server.stats().sessionsRefused() >= 2, Chan.WAIT, "the second refused, and retrying");
            assertNoSessionYet(second);
            assertEquals(1, server.stats().pendingSessions());

            assertEquals(CONNECTED, Chan.take(Sockets.nextAccepted(server).readChan()), "the first, taken");
            assertEquals(CONNECTED, takeUntilConnected(second), "room again: the second's retry gets in");
            ClientSocket secondAccepted = Sockets.nextAccepted(server);
            Chan.put(second.writeChan(), Chan.bytes("in"));
            assertEquals(List.of(CONNECTED, "in"), Chan.take(secondAccepted.readChan(), 2));
        }
    }

    @Test
    void beyondMaxHandshakesNewLinksAreClosedUntilThereIsRoom() throws Exception {
        try (EventLoop loop = Tcp.eventLoop(); EventLoop clients = Tcp.eventLoop()) {
            AcceptSocket server = Tcp.accept(loop, Sockets.HOST, 0, server().maxHandshakes(1).build());
            ClientSocket client;
            try (RawPeer silent = RawPeer.connect(server.port())) { // takes the one handshake and says nothing
                Await.until(() -> server.stats().handshaking() == 1, Chan.WAIT, "the silent link in handshake");
                try (RawPeer turnedAway = RawPeer.connect(server.port())) {
                    // REFUSED(busy), then the close: the client knows it is load, not a lost link
                    assertArrayEquals(new byte[] {(byte) 0x80, 0x4E, 0x05, 0x01, 0x06}, turnedAway.readBytes(5));
                    assertTrue(turnedAway.closedByPeer());
                }
                client = Tcp.connect(clients, Sockets.HOST, server.port(), client());
                Await.until(() -> server.stats().handshakesRefused() >= 2, Chan.WAIT, "the client's links closed");
                assertNoSessionYet(client);
            }
            assertEquals(CONNECTED, takeUntilConnected(client), "the slot free again");
            assertEquals(CONNECTED, Chan.take(Sockets.nextAccepted(server).readChan()));
            Await.until(() -> server.stats().handshaking() == 0, Chan.WAIT, "no link left in handshake");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A refused attempt is a failed dial: the client may say {@code :disconnected}, never {@code :connected}. */
    private static void assertNoSessionYet(ClientSocket client) {
        for (Object event; (event = Chan.poll(client.readChan())) != null; ) {
            assertEquals(DISCONNECTED, event, "no session while the server has no room");
        }
    }

    /** Skips the {@code :disconnected} of refused attempts up to the first {@code :connected}. */
    private static Object takeUntilConnected(ClientSocket client) {
        Object event;
        do {
            event = Chan.take(client.readChan());
        } while (DISCONNECTED.equals(event));
        return event;
    }
}
