/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import static net.async.tcp.Chan.CONNECTED;
import static net.async.tcp.Chan.READ_CHAN;
import static net.async.tcp.Chan.WRITE_CHAN;
import static net.async.tcp.Chan.bytes;
import static net.async.tcp.RawPeer.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clojure.lang.IPersistentMap;
import clojure.lang.Keyword;
import java.net.BindException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code accept}: binds at once (port 0 included), throws {@link BindException} on a taken port,
 * announces each connection as {@code {:read-chan :write-chan}}, ends an accepted connection with
 * {@code :closed} when its peer goes, and frees the port when accept-chan is closed while the
 * connections already accepted go on.
 */
class AcceptTest {
    @Test
    void acceptBindsPortZeroAtOnceAndReportsTheBoundPort() throws Exception {
        try (EventLoop loop = Tcp.eventLoop()) {
            AcceptSocket server = Sockets.listen(loop);
            assertTrue(server.port() > 0, "bound port " + server.port());
            assertFalse(Sockets.canBind(server.port()), "the port must be taken once accept returns");
            try (RawPeer peer = RawPeer.connect(server.port())) {
                Sockets.nextAccepted(server);
            }
        }
    }

    @Test
    void acceptOnAPortTakenByAnotherProgramThrowsBindException() throws Exception {
        try (EventLoop loop = Tcp.eventLoop(); ServerSocket taken = WireFormatTest.rawServer()) {
            assertThrows(BindException.class, () -> Sockets.listen(loop, taken.getLocalPort()));
        }
    }

    @Test
    void acceptOnAPortTakenByAnotherAcceptThrowsBindException() throws Exception {
        try (EventLoop loop = Tcp.eventLoop(); EventLoop other = Tcp.eventLoop()) {
            AcceptSocket first = Sockets.listen(loop);
            assertThrows(BindException.class, () -> Sockets.listen(other, first.port()));
            assertThrows(BindException.class, () -> Sockets.listen(loop, first.port()));
        }
    }

    @Test
    void acceptChanYieldsAClojureMapOfReadChanWriteChanAndRemoteAddress() throws Exception {
        try (EventLoop loop = Tcp.eventLoop()) {
            AcceptSocket server = Sockets.listen(loop);
            ClientSocket client = Sockets.connect(loop, server.port());
            Object announced = Chan.takeRaw(server.acceptChan(), Chan.WAIT);
            IPersistentMap map = assertInstanceOf(IPersistentMap.class, announced);
            Set<?> keys = Set.copyOf(((Map<?, ?>) map).keySet());
            assertEquals(Set.of(READ_CHAN, WRITE_CHAN, Keyword.intern("remote-address"),
                    Keyword.intern("net.async.tcp", "stats")), keys);
            keys.forEach(key -> assertInstanceOf(Keyword.class, key));
            java.net.InetSocketAddress remote = assertInstanceOf(java.net.InetSocketAddress.class,
                    map.valAt(Keyword.intern("remote-address")));
            assertEquals("127.0.0.1", remote.getAddress().getHostAddress());
            assertEquals(CONNECTED, Chan.take(client.readChan()));
            assertEquals(CONNECTED, Chan.take(map.valAt(READ_CHAN)));
        }
    }

    @Test
    void acceptedReadChanYieldsConnectedPayloadsThenClosedWhenThePeerGoes() throws Exception {
        try (EventLoop loop = Tcp.eventLoop()) {
            AcceptSocket server = Sockets.listen(loop);
            ClientSocket accepted;
            try (RawPeer peer = RawPeer.connect(server.port())) {
                accepted = Sockets.nextAccepted(server);
                peer.send(frame(bytes("a")), frame(bytes("b")));
            }
            assertEquals(List.of(CONNECTED, "a", "b"), Chan.take(accepted.readChan(), 3));
            Chan.assertClosesNext(accepted.readChan());
        }
    }

    @Test
    void twoClientsOfOneServerGetTheirOwnRepliesAndCloses() throws Exception {
        try (EventLoop serverLoop = Tcp.eventLoop(); EventLoop clientLoop = Tcp.eventLoop()) {
            AcceptSocket server = Sockets.listen(serverLoop);
            ClientSocket client1 = Sockets.connect(clientLoop, server.port());
            ClientSocket server1 = Sockets.nextAccepted(server);
            ClientSocket client2 = Sockets.connect(clientLoop, server.port());
            ClientSocket server2 = Sockets.nextAccepted(server);
            assertNotEquals(server1.readChan(), server2.readChan());
            Chan.put(client1.writeChan(), bytes("req1"));
            Chan.put(client2.writeChan(), bytes("req2"));
            assertEquals(List.of(CONNECTED, "req2"), Chan.take(server2.readChan(), 2));
            assertEquals(List.of(CONNECTED, "req1"), Chan.take(server1.readChan(), 2));
            Chan.put(server1.writeChan(), bytes("rep1"));
            Chan.put(server2.writeChan(), bytes("rep2"));
            assertEquals(List.of(CONNECTED, "rep2"), Chan.take(client2.readChan(), 2));
            assertEquals(List.of(CONNECTED, "rep1"), Chan.take(client1.readChan(), 2));
            Chan.close(client1.writeChan());
            Chan.close(client2.writeChan());
            Chan.assertClosesNext(server2.readChan());
            Chan.assertClosesNext(server1.readChan());
        }
    }

    @Test
    void closingAcceptChanFreesThePortWhileAcceptedConnectionsGoOn() throws Exception {
        try (EventLoop serverLoop = Tcp.eventLoop(); EventLoop clientLoop = Tcp.eventLoop()) {
            AcceptSocket server = Sockets.listen(serverLoop);
            ClientSocket client = Sockets.connect(clientLoop, server.port());
            ClientSocket accepted = Sockets.nextAccepted(server);
            assertEquals(CONNECTED, Chan.take(client.readChan()));

            Chan.close(server.acceptChan());
            // the acceptor looks at accept-chan every 50 ms
            Await.until(() -> Sockets.canBind(server.port()), Duration.ofSeconds(2), "port freed");

            Chan.put(client.writeChan(), bytes("still"));
            Chan.put(accepted.writeChan(), bytes("here"));
            assertEquals(List.of(CONNECTED, "still"), Chan.take(accepted.readChan(), 2));
            assertEquals("here", Chan.take(client.readChan()));
        }
    }
}
