/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import static net.async.tcp.Chan.CONNECTED;
import static net.async.tcp.Chan.DISCONNECTED;
import static net.async.tcp.Chan.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Closing write-chan: everything written before reaches the peer before the socket closes, then
 * read-chan yields {@code :closed} and closes; while disconnected that happens at once.
 */
class CloseTest {
    private static final int MESSAGES = 1000;

    @Test
    void closingClientWriteChanDeliversEverythingWrittenBeforeThenClosed() throws Exception {
        try (EventLoop serverLoop = Tcp.eventLoop(); EventLoop clientLoop = Tcp.eventLoop()) {
            AcceptSocket server = Sockets.listen(serverLoop);
            // a buffered write-chan: the writes are done long before they reach the socket
            Object writeChan = Chan.chan(MESSAGES);
            ClientSocket client = Tcp.connect(clientLoop, Sockets.HOST, server.port(),
                    Sockets.fastClient().writeChan(writeChan).build());
            List<Object> expected = new ArrayList<>(List.of(CONNECTED));
            for (int i = 0; i < MESSAGES; i++) {
                Chan.put(writeChan, bytes("m" + i));
                expected.add("m" + i);
            }
            Chan.close(writeChan);
            ClientSocket accepted = Sockets.nextAccepted(server);
            assertEquals(expected, Chan.take(accepted.readChan(), expected.size()));
            Chan.assertClosesNext(accepted.readChan());
            assertEquals(CONNECTED, Chan.take(client.readChan()));
            Chan.assertClosesNext(client.readChan());
        }
    }

    @Test
    void closingAcceptedWriteChanDeliversEverythingThenTheClientSeesTheLoss() throws Exception {
        try (EventLoop serverLoop = Tcp.eventLoop(); EventLoop clientLoop = Tcp.eventLoop()) {
            AcceptSocket server = Sockets.listen(serverLoop);
            ClientSocket client = Sockets.connect(clientLoop, server.port());
            ClientSocket accepted = Sockets.nextAccepted(server);
            List<Object> expected = new ArrayList<>(List.of(CONNECTED));
            for (int i = 0; i < 100; i++) {
                Chan.put(accepted.writeChan(), bytes("m" + i));
                expected.add("m" + i);
            }
            Chan.close(accepted.writeChan());
            expected.add(DISCONNECTED);
            assertEquals(expected, Chan.take(client.readChan(), expected.size()));
            assertEquals(CONNECTED, Chan.take(accepted.readChan()));
            Chan.assertClosesNext(accepted.readChan());
        }
    }

    @Test
    void closingWriteChanAfterTheServerWentAwayClosesAtOnce() throws Exception {
        try (EventLoop clientLoop = Tcp.eventLoop()) {
            ClientSocket client;
            try (EventLoop serverLoop = Tcp.eventLoop()) {
                AcceptSocket server = Sockets.listen(serverLoop);
                client = Sockets.connect(clientLoop, server.port());
                Chan.put(client.writeChan(), bytes("req"));
                assertEquals(List.of(CONNECTED, "req"), Chan.take(Sockets.nextAccepted(server).readChan(), 2));
                assertEquals(CONNECTED, Chan.take(client.readChan()));
            }
            assertEquals(DISCONNECTED, Chan.take(client.readChan()));
            Chan.close(client.writeChan());
            Chan.assertClosesNext(client.readChan());
        }
    }

    @Test
    void closingWriteChanOfAClientThatNeverConnectedClosesAtOnce() throws Exception {
        try (EventLoop loop = Tcp.eventLoop()) {
            ClientSocket client = Sockets.connect(loop, Sockets.freePort());
            assertEquals(DISCONNECTED, Chan.take(client.readChan()));
            Chan.close(client.writeChan());
            Chan.assertClosesNext(client.readChan());
        }
    }

    @Test
    void closingWriteChanAfterAValueWasRejectedWhileDisconnectedClosesAtOnce() throws Exception {
        try (EventLoop loop = Tcp.eventLoop()) {
            ClientSocket client = Sockets.connect(loop, Sockets.freePort());
            assertEquals(DISCONNECTED, Chan.take(client.readChan()));
            Chan.put(client.writeChan(), "not a byte[]: skipped with a WARN, as expected");
            Chan.close(client.writeChan());
            Chan.assertClosesNext(client.readChan());
        }
    }

    @Test
    void closingWriteChanBeforeTheFirstDialEndsTheClient() throws Exception {
        try (EventLoop loop = Tcp.eventLoop()) {
            Object writeChan = Chan.chan();
            Chan.close(writeChan);
            ClientSocket client = Tcp.connect(loop, Sockets.HOST, Sockets.freePort(),
                    Sockets.fastClient().writeChan(writeChan).build());
            // whether the first dial failed first or not, the end is the same
            Object first = Chan.take(client.readChan());
            if (first == DISCONNECTED) {
                first = Chan.take(client.readChan());
            }
            assertEquals(Chan.CLOSED, first);
            assertEquals(null, Chan.take(client.readChan()));
        }
    }
}
