/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import static net.async.tcp.Chan.CONNECTED;
import static net.async.tcp.Chan.bytes;
import static net.async.tcp.RawPeer.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The wire format, byte for byte, against a raw {@link java.net.Socket} peer that speaks it by
 * hand as the original Clojure library does: 4-byte big-endian length, then the payload; a
 * 0-length frame is a heartbeat and never reaches the user.
 */
class WireFormatTest {
    private static final byte[] ABC_FRAME = {0, 0, 0, 3, 'a', 'b', 'c'};
    private static final byte[] HEARTBEAT = {0, 0, 0, 0};
    // heartbeats every 5 s: none gets in between the bytes these tests compare
    private static final ConnectOptions QUIET_CLIENT = ConnectOptions.builder().reconnectPeriodMillis(50).build();
    private static final AcceptOptions QUIET_SERVER = AcceptOptions.defaults();

    @Test
    void clientWritesEachPayloadAsLengthThenBytes() throws Exception {
        byte[] big = new byte[300];
        Arrays.fill(big, (byte) 7);
        try (EventLoop loop = Tcp.eventLoop(); ServerSocket raw = rawServer()) {
            ClientSocket client = Tcp.connect(loop, Sockets.HOST, raw.getLocalPort(), QUIET_CLIENT);
            try (RawPeer peer = RawPeer.accept(raw)) {
                assertEquals(CONNECTED, Chan.take(client.readChan()));
                Chan.put(client.writeChan(), bytes("abc"));
                Chan.put(client.writeChan(), big);
                assertArrayEquals(ABC_FRAME, peer.readBytes(7));
                assertArrayEquals(new byte[] {0, 0, 1, 44}, peer.readBytes(4));
                assertArrayEquals(big, peer.readBytes(300));
            }
        }
    }

    @Test
    void clientDeliversPayloadsFromARawPeerAndDropsHeartbeats() throws Exception {
        try (EventLoop loop = Tcp.eventLoop(); ServerSocket raw = rawServer()) {
            ClientSocket client = Tcp.connect(loop, Sockets.HOST, raw.getLocalPort(), QUIET_CLIENT);
            try (RawPeer peer = RawPeer.accept(raw)) {
                byte[] hi = frame(bytes("hi"));
                peer.send(HEARTBEAT, Arrays.copyOf(hi, 2), Arrays.copyOfRange(hi, 2, hi.length),
                        HEARTBEAT, HEARTBEAT, frame(bytes("there")));
                assertEquals(List.of(CONNECTED, "hi", "there"), Chan.take(client.readChan(), 3));
                Chan.assertNothingFor(client.readChan(), Duration.ofMillis(100));
            }
        }
    }

    @Test
    void acceptedConnectionSpeaksTheSameFormat() throws Exception {
        try (EventLoop loop = Tcp.eventLoop()) {
            AcceptSocket server = Tcp.accept(loop, Sockets.HOST, 0, QUIET_SERVER);
            try (RawPeer peer = RawPeer.connect(server.port())) {
                ClientSocket accepted = Sockets.nextAccepted(server);
                peer.send(HEARTBEAT, frame(bytes("ping")), HEARTBEAT);
                assertEquals(List.of(CONNECTED, "ping"), Chan.take(accepted.readChan(), 2));
                Chan.put(accepted.writeChan(), bytes("abc"));
                assertArrayEquals(ABC_FRAME, peer.readBytes(7));
            }
        }
    }

    @Test
    void idleClientSendsZeroLengthHeartbeats() throws Exception {
        try (EventLoop loop = Tcp.eventLoop(); ServerSocket raw = rawServer()) {
            ClientSocket client = Sockets.connect(loop, raw.getLocalPort());
            try (RawPeer peer = RawPeer.accept(raw)) {
                assertEquals(CONNECTED, Chan.take(client.readChan()));
                assertArrayEquals(HEARTBEAT, peer.readBytes(4));
                assertArrayEquals(HEARTBEAT, peer.readBytes(4));
            }
        }
    }

    @Test
    void idleAcceptedConnectionSendsZeroLengthHeartbeats() throws Exception {
        try (EventLoop loop = Tcp.eventLoop()) {
            AcceptSocket server = Sockets.listen(loop);
            try (RawPeer peer = RawPeer.connect(server.port())) {
                Sockets.nextAccepted(server);
                assertArrayEquals(HEARTBEAT, peer.readBytes(4));
                assertArrayEquals(HEARTBEAT, peer.readBytes(4));
            }
        }
    }

    @Test
    void emptyPayloadTravelsAsAHeartbeatAndIsNeverDelivered() throws Exception {
        try (EventLoop loop = Tcp.eventLoop()) {
            AcceptSocket server = Tcp.accept(loop, Sockets.HOST, 0, QUIET_SERVER);
            ClientSocket client = Tcp.connect(loop, Sockets.HOST, server.port(), QUIET_CLIENT);
            ClientSocket accepted = Sockets.nextAccepted(server);
            Chan.put(client.writeChan(), new byte[0]);
            Chan.put(client.writeChan(), bytes("after"));
            assertEquals(List.of(CONNECTED, "after"), Chan.take(accepted.readChan(), 2));
        }
    }

    static ServerSocket rawServer() throws Exception {
        return new ServerSocket(0, 50, InetAddress.getByName(Sockets.HOST));
    }
}
