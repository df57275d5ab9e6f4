/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static net.async.tcp.Chan.CONNECTED;
import static net.async.tcp.Chan.DISCONNECTED;
import static net.async.tcp.Chan.bytes;
import static net.async.tcp.RawPeer.frame;
import static net.async.tcp.RawPeer.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bad input drops only the connection it came on; bad values on write-chan are skipped. Each of
 * these tests expects one WARN line in the log ("bad frame from peer" or "write-chan value
 * rejected").
 */
class BadInputTest {
    private static final int MAX_FRAME = 1024;

    @Test
    void oversizedFrameDropsOnlyThatAcceptedConnection() throws Exception {
        assertBadHeaderDropsOnlyItsAcceptedConnection(MAX_FRAME + 1);
    }

    @Test
    void negativeLengthDropsOnlyThatAcceptedConnection() throws Exception {
        assertBadHeaderDropsOnlyItsAcceptedConnection(-1);
    }

    private static void assertBadHeaderDropsOnlyItsAcceptedConnection(int badLength) throws Exception {
        try (EventLoop loop = Tcp.eventLoop()) {
            AcceptSocket server = Tcp.accept(loop, Sockets.HOST, 0, Sockets.fastServer().maxFrameSize(MAX_FRAME).build());
            try (RawPeer bad = RawPeer.connect(server.port()); RawPeer good = RawPeer.connect(server.port())) {
                ClientSocket badSide = Sockets.nextAccepted(server);
                ClientSocket goodSide = Sockets.nextAccepted(server);
                bad.send(header(badLength), new byte[16]);
                assertEquals(CONNECTED, Chan.take(badSide.readChan()));
                Chan.assertClosesNext(badSide.readChan());
                assertTrue(bad.closedByPeer(), "the bad peer's connection must be closed");

                byte[] largest = new byte[MAX_FRAME];
                Arrays.fill(largest, (byte) 'x');
                good.send(frame(bytes("fine")), frame(largest));
                assertEquals(List.of(CONNECTED, "fine", new String(largest, UTF_8)), Chan.take(goodSide.readChan(), 3));
                Chan.put(goodSide.writeChan(), bytes("reply"));
                assertEquals("reply", new String(good.readPayload(), UTF_8));
            }
        }
    }

    @Test
    void clientDropsAServerSendingAnOversizedFrameThenRedials() throws Exception {
        ConnectOptions options = Sockets.fastClient().maxFrameSize(16).build();
        try (EventLoop loop = Tcp.eventLoop(); ServerSocket raw = WireFormatTest.rawServer()) {
            ClientSocket client = Tcp.connect(loop, Sockets.HOST, raw.getLocalPort(), options);
            try (RawPeer bad = RawPeer.accept(raw)) {
                assertEquals(CONNECTED, Chan.take(client.readChan()));
                bad.send(header(17));
                assertEquals(DISCONNECTED, Chan.take(client.readChan()));
            }
            try (RawPeer good = RawPeer.accept(raw)) {
                good.send(frame(bytes("ok")));
                assertEquals(List.of(CONNECTED, "ok"), Chan.take(client.readChan(), 2));
            }
        }
    }

    @Test
    void nonByteArrayOnWriteChanIsSkippedAndTheConnectionCarriesOn() throws Exception {
        try (EventLoop loop = Tcp.eventLoop()) {
            AcceptSocket server = Sockets.listen(loop);
            ClientSocket client = Sockets.connect(loop, server.port());
            ClientSocket accepted = Sockets.nextAccepted(server);
            Chan.put(client.writeChan(), "a String, not a byte[]: expect a WARN");
            Chan.put(client.writeChan(), bytes("next"));
            assertEquals(List.of(CONNECTED, "next"), Chan.take(accepted.readChan(), 2));
        }
    }

    @Test
    void messageOverMaxFrameSizeOnWriteChanIsSkippedAndTheConnectionCarriesOn() throws Exception {
        try (EventLoop loop = Tcp.eventLoop()) {
            AcceptSocket server = Sockets.listen(loop);
            ClientSocket client = Tcp.connect(loop, Sockets.HOST, server.port(),
                    Sockets.fastClient().maxFrameSize(8).build());
            ClientSocket accepted = Sockets.nextAccepted(server);
            Chan.put(client.writeChan(), bytes("nine byte"));
            Chan.put(client.writeChan(), bytes("eight b!"));
            assertEquals(List.of(CONNECTED, "eight b!"), Chan.take(accepted.readChan(), 2));
        }
    }
}
