/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import static net.async.tcp.Chan.CONNECTED;
import static net.async.tcp.Chan.DISCONNECTED;
import static net.async.tcp.Chan.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats over loopback with the fixtures' period and timeout ({@link Sockets}): a silent peer
 * is dropped as stuck, a quiet but healthy connection is kept alive.
 */
class HeartbeatSocketTest {
    // three timeouts of nothing but heartbeats: sixty heartbeat periods
    private static final Duration THREE_TIMEOUTS = Duration.ofMillis(3 * Sockets.HEARTBEAT_TIMEOUT_MILLIS);

    @Test
    void clientDropsASilentServerAsStuckAndRedials() throws Exception {
        try (EventLoop loop = Tcp.eventLoop(); ServerSocket raw = WireFormatTest.rawServer()) {
            ClientSocket client = Sockets.connect(loop, raw.getLocalPort());
            // the raw peer accepts and never writes a byte
            try (RawPeer silent = RawPeer.accept(raw)) {
                assertEquals(CONNECTED, Chan.take(client.readChan()));
                long connectedAt = System.nanoTime();
                assertEquals(DISCONNECTED, Chan.take(client.readChan()));
                long silentMillis = (System.nanoTime() - connectedAt) / 1_000_000;
                assertTrue(silentMillis >= Sockets.HEARTBEAT_TIMEOUT_MILLIS - 20,
                        "dropped after " + silentMillis + " ms, before heartbeat-timeout");
                assertTrue(silent.closedByPeer(), "the stuck link must be closed");
            }
            try (RawPeer second = RawPeer.accept(raw)) {
                assertEquals(CONNECTED, Chan.take(client.readChan()));
            }
        }
    }

    @Test
    void serverDropsASilentClientAsStuckWithClosed() throws Exception {
        try (EventLoop loop = Tcp.eventLoop()) {
            AcceptSocket server = Sockets.listen(loop);
            try (RawPeer silent = RawPeer.connect(server.port())) {
                ClientSocket accepted = Sockets.nextAccepted(server);
                assertEquals(CONNECTED, Chan.take(accepted.readChan()));
                Chan.assertClosesNext(accepted.readChan());
                assertTrue(silent.closedByPeer(), "the stuck link must be closed");
            }
        }
    }

    @Test
    void quietHealthyConnectionIsKeptAliveByHeartbeats() throws Exception {
        try (EventLoop serverLoop = Tcp.eventLoop(); EventLoop clientLoop = Tcp.eventLoop()) {
            AcceptSocket server = Sockets.listen(serverLoop);
            ClientSocket client = Sockets.connect(clientLoop, server.port());
            ClientSocket accepted = Sockets.nextAccepted(server);
            assertEquals(CONNECTED, Chan.take(client.readChan()));
            assertEquals(CONNECTED, Chan.take(accepted.readChan()));

            Chan.assertNothingFor(client.readChan(), THREE_TIMEOUTS);
            assertNull(Chan.poll(accepted.readChan()), "the accepted side must not have seen anything either");

            Chan.put(client.writeChan(), bytes("still there?"));
            assertEquals("still there?", Chan.take(accepted.readChan()));
            Chan.put(accepted.writeChan(), bytes("yes"));
            assertEquals(List.of("yes"), Chan.take(client.readChan(), 1));
        }
    }
}
