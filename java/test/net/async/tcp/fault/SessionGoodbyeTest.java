/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import static net.async.tcp.Chan.CLOSED;
import static net.async.tcp.Chan.CONNECTED;
import static net.async.tcp.Chan.SESSION_LOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.async.tcp.AcceptSocket;
import net.async.tcp.Chan;
import net.async.tcp.ClientSocket;
import net.async.tcp.EventLoop;
import net.async.tcp.Sockets;
import net.async.tcp.Tcp;
import net.async.tcp.Trouble;
import net.async.tcp.fault.FaultProxy.Direction;
import org.junit.jupiter.api.Test;

/**
 * A goodbye lost with its link. One end closes a session; the {@link FaultProxy} resets the link
 * the moment a BYE crosses it, so the BYE never arrives. The peer must still get every message
 * written before the close, then what a delivered BYE gives: never {@code :session-lost}, never a
 * session started over. The server keeps a session ended by a goodbye as a tombstone for
 * session-expiry, and answers a resume of it with the BYE again.
 *
 * <h3>Threading</h3>
 * The test thread only; the sockets live on their loops.
 */
class SessionGoodbyeTest {
    /** The header of a BYE frame: the control marker, type 0x04, an 8-byte body. */
    private static final byte[] BYE = {(byte) 0x80, 0x4E, 0x04, 0x08};
    private static final List<String> MESSAGES = List.of("one", "two", "three");
    private static final Duration QUIET = Duration.ofMillis(300);

    @Test
    void aClientsGoodbyeLostOnTheWayIsSaidAgainAndTheServerGetsAllThenClosed() throws Exception {
        assertClientCloseSurvives(Direction.UPSTREAM);
    }

    @Test
    void theServersAnswerLostOnTheWayBackStillEndsTheClientWithClosed() throws Exception {
        assertClientCloseSurvives(Direction.DOWNSTREAM);
    }

    private static void assertClientCloseSurvives(Direction lost) throws Exception {
        try (Trouble trouble = Trouble.watch(); EventLoop loop = Tcp.eventLoop(); EventLoop clients = Tcp.eventLoop()) {
            AcceptSocket server = Tcp.accept(loop, Sockets.HOST, 0, Sockets.fastServer().session(true).build());
            try (FaultProxy proxy = FaultProxy.start(server.port(), Plan.of(0, 0, 1))) {
                ClientSocket client = Tcp.connect(clients, Sockets.HOST, proxy.port(),
                        Sockets.fastClient().session(true).build());
                ClientSocket accepted = Sockets.nextAccepted(server);
                assertEquals(CONNECTED, Chan.take(client.readChan()));
                proxy.resetOn(BYE, lost, 1);
                for (String text : MESSAGES) {
                    Chan.put(client.writeChan(), Chan.bytes(text));
                }
                client.close();

                assertEquals(MESSAGES, payloadsUntilClosed(accepted.readChan()), "every message, once, then :closed");
                assertNull(Chan.take(accepted.readChan()), "then the read-chan closes");
                assertEquals(List.of(), payloadsUntilClosed(client.readChan()), "link events only, then :closed");
                assertNull(Chan.take(client.readChan()));
                assertEquals(0, proxy.tripsLeft(), "the BYE was lost with its link");
                assertNull(Chan.poll(server.acceptChan()), "no new session on accept-chan");
                assertEquals(0, server.stats().sessionsLost());
            }
            trouble.assertNone();
        }
    }

    @Test
    void aServersGoodbyeLostOnTheWayIsGivenAgainByTheTombstoneAndNoSessionIsLost() throws Exception {
        try (Trouble trouble = Trouble.watch(); EventLoop loop = Tcp.eventLoop(); EventLoop clients = Tcp.eventLoop()) {
            AcceptSocket server = Tcp.accept(loop, Sockets.HOST, 0, Sockets.fastServer().session(true).build());
            try (FaultProxy proxy = FaultProxy.start(server.port(), Plan.of(0, 0, 1))) {
                ClientSocket client = Tcp.connect(clients, Sockets.HOST, proxy.port(),
                        Sockets.fastClient().session(true).build());
                ClientSocket accepted = Sockets.nextAccepted(server);
                assertEquals(CONNECTED, Chan.take(accepted.readChan()));
                assertEquals(CONNECTED, Chan.take(client.readChan()));
                proxy.resetOn(BYE, Direction.DOWNSTREAM, 1);
                for (String text : MESSAGES) {
                    Chan.put(accepted.writeChan(), Chan.bytes(text));
                }
                accepted.close();

                List<Object> events = new ArrayList<>(); // up to the :connected after the last message
                while (payloads(events).size() < MESSAGES.size() || !CONNECTED.equals(events.get(events.size() - 1))) {
                    events.add(Chan.take(client.readChan()));
                }
                assertEquals(MESSAGES, payloads(events), "every message, once, in order: " + events);
                assertFalse(events.contains(SESSION_LOST), "the tombstone's BYE says it ended, not lost: " + events);
                assertEquals(0, proxy.tripsLeft(), "the BYE was lost with its link");
                Chan.assertClosesNext(accepted.readChan());

                // as after a delivered BYE: the client goes on with a new session, which carries its writes
                ClientSocket next = Sockets.nextAccepted(server);
                Chan.put(client.writeChan(), Chan.bytes("a new session"));
                assertEquals(List.of(CONNECTED, "a new session"), Chan.take(next.readChan(), 2));
                Chan.assertNothingFor(client.readChan(), QUIET);
            }
            trouble.assertNone();
        }
    }

    /** The payloads on a read-chan up to its {@code :closed}, never {@code :session-lost} among them. */
    private static List<String> payloadsUntilClosed(Object readChan) {
        List<Object> events = new ArrayList<>();
        for (Object event; !CLOSED.equals(event = Chan.take(readChan)); ) {
            events.add(event);
        }
        assertFalse(events.contains(SESSION_LOST), events.toString());
        return payloads(events);
    }

    private static List<String> payloads(List<Object> events) {
        return events.stream().filter(String.class::isInstance).map(String.class::cast).toList();
    }
}
