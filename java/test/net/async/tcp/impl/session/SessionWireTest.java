/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.session;

import static net.async.tcp.Chan.CLOSED;
import static net.async.tcp.Chan.CONNECTED;
import static net.async.tcp.Chan.DISCONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import net.async.tcp.AcceptSocket;
import net.async.tcp.Chan;
import net.async.tcp.ClientSocket;
import net.async.tcp.EventLoop;
import net.async.tcp.EventLoopOptions;
import net.async.tcp.Frames;
import net.async.tcp.Sockets;
import net.async.tcp.Stats;
import net.async.tcp.Tcp;
import net.async.tcp.Trouble;
import net.async.tcp.impl.link.SessionSettings;
import net.async.tcp.impl.wire.ControlFrame;
import net.async.tcp.impl.wire.ControlFrame.Hello;
import net.async.tcp.impl.wire.ControlFrame.Refused;
import net.async.tcp.impl.wire.ControlFrame.Welcome;
import net.async.tcp.impl.wire.SessionId;
import org.junit.jupiter.api.Test;

/**
 * Session mode against peers that speak the wire by hand: sessions they do not hold, takeovers,
 * impossible positions, and every mismatch between an end with {@code :session} and one without,
 * this library's or one that reads frames as the original library does.
 */
class SessionWireTest {
    private static final Duration QUIET = Duration.ofMillis(300);

    @Test
    void aResumeOfASessionTheServerDoesNotHoldIsRefusedAndTheLinkMayOpenANewOne() throws Exception {
        try (EventLoop loop = Tcp.eventLoop(); AcceptSocket server = listen(loop)) {
            ClientSocket client = Tcp.connect(loop, Sockets.HOST, server.port(), Sockets.fastClient().session(true).build());
            ClientSocket accepted = Sockets.nextAccepted(server);
            assertEquals(CONNECTED, Chan.take(accepted.readChan()));
            try (SessionPeer stranger = SessionPeer.connect(server.port())) {
                stranger.send(new Hello(1, SessionId.random(), true, 0, 4096));
                assertEquals(new Refused(Refused.UNKNOWN_SESSION), stranger.read());
                SessionId fresh = SessionId.random();
                stranger.send(new Hello(1, fresh, false, 0, 4096));
                assertEquals(new Welcome(fresh, false, 0, SessionSettings.DEFAULT_BUFFER_BYTES), stranger.read());
                ClientSocket second = Sockets.nextAccepted(server);
                assertEquals(CONNECTED, Chan.take(second.readChan()));
            }
            Chan.put(client.writeChan(), Chan.bytes("still mine"));
            assertEquals("still mine", Chan.take(accepted.readChan()), "no other session was touched");
        }
    }

    @Test
    void anOpenSentAgainAfterItsWelcomeWasLostFindsTheSameSession() throws Exception {
        try (EventLoop loop = Tcp.eventLoop(); AcceptSocket server = listen(loop)) {
            SessionId id = SessionId.random();
            try (SessionPeer first = SessionPeer.connect(server.port())) {
                first.send(new Hello(1, id, false, 0, 4096));
            } // gone before it could read the WELCOME
            ClientSocket session = Sockets.nextAccepted(server);
            assertEquals(List.of(CONNECTED, DISCONNECTED), Chan.take(session.readChan(), 2));
            Chan.put(session.writeChan(), Chan.bytes("for whoever opened me"));
            try (SessionPeer again = SessionPeer.connect(server.port())) {
                again.send(new Hello(1, id, false, 0, 4096));
                assertEquals(new Welcome(id, true, 0, SessionSettings.DEFAULT_BUFFER_BYTES), again.read());
                assertEquals("for whoever opened me", again.readText());
            }
            Chan.assertNothingFor(server.acceptChan(), QUIET);
        }
    }

    @Test
    void aSecondLinkResumingALiveSessionTakesItOverAndClosesTheFirst() throws Exception {
        try (EventLoop loop = Tcp.eventLoop(); AcceptSocket server = listen(loop)) {
            // each link connects just before its HELLO: one silent for heartbeat-timeout is dropped as stuck
            try (SessionPeer first = SessionPeer.connect(server.port())) {
                first.send(new Hello(1, SessionId.random(), false, 0, 4096));
                Welcome opened = assertInstanceOf(Welcome.class, first.read());
                ClientSocket session = Sockets.nextAccepted(server);
                assertEquals(CONNECTED, Chan.take(session.readChan()));
                Chan.put(session.writeChan(), Chan.bytes("x"));
                assertEquals("x", first.readText());

                try (SessionPeer second = SessionPeer.connect(server.port())) {
                    second.send(new Hello(1, opened.id(), true, 1, 4096));
                    Welcome resumed = assertInstanceOf(Welcome.class, second.read());
                    assertTrue(resumed.existed());
                    assertEquals(opened.id(), resumed.id());
                    assertTrue(first.closedByPeer(), "the older link is closed");
                    assertEquals(List.of(DISCONNECTED, CONNECTED), Chan.take(session.readChan(), 2));
                    second.sendPayload("y");
                    assertEquals("y", Chan.take(session.readChan()));
                    Chan.put(session.writeChan(), Chan.bytes("z"));
                    assertEquals("z", second.readText(), "x was received before: not sent again");

                    try (SessionPeer impostor = SessionPeer.connect(server.port())) {
                        impostor.send(new Hello(1, opened.id(), true, 5, 4096));
                        assertEquals(new Refused(Refused.BAD_POSITION), impostor.read(), "5 of our messages? we sent 2");
                        assertTrue(impostor.closedByPeer());
                        second.sendPayload("still");
                        assertEquals("still", Chan.take(session.readChan()), "a refused resume leaves the session alone");
                    }
                }
            }
        }
    }

    @Test
    void aStaleHelloBehindWhatTheClientAcknowledgedIsRefusedQuietly() throws Exception {
        try (Trouble trouble = Trouble.watch(); EventLoop loop = Tcp.eventLoop(); AcceptSocket server = listen(loop)) {
            try (SessionPeer live = SessionPeer.connect(server.port())) {
                live.send(new Hello(1, SessionId.random(), false, 0, 4096));
                Welcome opened = assertInstanceOf(Welcome.class, live.read());
                ClientSocket session = Sockets.nextAccepted(server);
                assertEquals(CONNECTED, Chan.take(session.readChan()));
                Chan.put(session.writeChan(), Chan.bytes("a"));
                Chan.put(session.writeChan(), Chan.bytes("b"));
                assertEquals(List.of("a", "b"), List.of(live.readText(), live.readText()));
                live.send(new ControlFrame.Ack(2));
                live.sendPayload("after the ack");
                assertEquals("after the ack", Chan.take(session.readChan()), "the ack has been read before it");

                // an old link's HELLO from before the ack, overtaken under churn: refused, no WARN (it
                // connects now: a link silent for heartbeat-timeout would be dropped as stuck first)
                try (SessionPeer stale = SessionPeer.connect(server.port())) {
                    stale.send(new Hello(1, opened.id(), true, 1, 4096));
                    assertEquals(new Refused(Refused.BAD_POSITION), stale.read());
                    assertTrue(stale.closedByPeer());
                }
                live.sendPayload("still here");
                assertEquals("still here", Chan.take(session.readChan()), "the live link is left alone");
            }
            assertEquals(List.of(), trouble.linesContaining("WARN"), "a stale link is a normal event");
            trouble.assertNone();
        }
    }

    @Test
    void whileItsClientIsAwayASessionTakesWritesAndDeliversThemOnItsReturn() throws Exception {
        try (EventLoop loop = Tcp.eventLoop(); AcceptSocket server = listen(loop)) {
            SessionId id = SessionId.random();
            try (SessionPeer first = SessionPeer.connect(server.port())) {
                first.send(new Hello(1, id, false, 0, 4096));
                assertInstanceOf(Welcome.class, first.read());
            }
            ClientSocket session = Sockets.nextAccepted(server);
            assertEquals(List.of(CONNECTED, DISCONNECTED), Chan.take(session.readChan(), 2));
            for (String text : List.of("one", "two", "three")) {
                Chan.put(session.writeChan(), Chan.bytes(text)); // an unbuffered write-chan: taken by the session
            }
            try (SessionPeer back = SessionPeer.connect(server.port())) {
                back.send(new Hello(1, id, true, 0, 4096));
                assertEquals(new Welcome(id, true, 0, SessionSettings.DEFAULT_BUFFER_BYTES), back.read());
                assertEquals(List.of("one", "two", "three"), List.of(back.readText(), back.readText(), back.readText()));
                assertEquals(CONNECTED, Chan.take(session.readChan()));
            }
        }
    }

    @Test
    void anAckOfMoreThanWasSentDropsTheLinkAndTheSessionWaitsForAnother() throws Exception {
        try (EventLoop loop = Tcp.eventLoop(); AcceptSocket server = listen(loop)) {
            SessionId id = SessionId.random();
            try (SessionPeer broken = SessionPeer.connect(server.port())) {
                broken.send(new Hello(1, id, false, 0, 4096));
                assertInstanceOf(Welcome.class, broken.read());
                broken.send(new ControlFrame.Ack(5));
                assertTrue(broken.closedByPeer(), "an ack of 5 when nothing was sent is corruption");
            }
            ClientSocket session = Sockets.nextAccepted(server);
            assertEquals(List.of(CONNECTED, DISCONNECTED), Chan.take(session.readChan(), 2));
            try (SessionPeer fixed = SessionPeer.connect(server.port())) {
                fixed.send(new Hello(1, id, true, 0, 4096));
                assertInstanceOf(Welcome.class, fixed.read());
                assertEquals(CONNECTED, Chan.take(session.readChan()));
            }
        }
    }

    @Test
    void aServerThatSpeaksFirstIsNotASessionServerAndNothingItSaysIsDelivered() throws Exception {
        try (EventLoop loop = Tcp.eventLoop();
             ServerSocket chatty = new ServerSocket(0, 10, InetAddress.getByName(Sockets.HOST))) {
            chatty.setSoTimeout((int) Chan.WAIT.toMillis());
            ClientSocket client = Tcp.connect(loop, Sockets.HOST, chatty.getLocalPort(),
                    Sockets.fastClient().session(true).build());
            try (Socket link = chatty.accept()) {
                link.setSoTimeout((int) Chan.WAIT.toMillis());
                link.getOutputStream().write(Frames.frame(Chan.bytes("welcome to my plain server")));
                byte[] heard = link.getInputStream().readAllBytes(); // until the client hangs up
                assertTrue(ControlFrame.isHeader(Unpooled.wrappedBuffer(heard).getInt(0)), "its HELLO, then nothing");
            }
            assertEquals(DISCONNECTED, Chan.take(client.readChan()), "the greeting never reaches the user");
            Chan.assertNothingFor(client.readChan(), QUIET);
        }
    }

    @Test
    void aResumeAcceptedOnAnotherThreadOfTheLoopMovesToTheSessionsThread() throws Exception {
        EventLoopOptions twoThreads = EventLoopOptions.builder().threads(2).build();
        try (EventLoop loop = Tcp.eventLoop(twoThreads);
             AcceptSocket server = Tcp.accept(loop, Sockets.HOST, 0, Sockets.fastServer().session(true).build())) {
            SessionId id = SessionId.random();
            ClientSocket session;
            try (SessionPeer first = SessionPeer.connect(server.port())) {
                first.send(new Hello(1, id, false, 0, 4096));
                assertInstanceOf(Welcome.class, first.read());
                session = Sockets.nextAccepted(server);
                Chan.put(session.writeChan(), Chan.bytes("before"));
                assertEquals("before", first.readText());
            }
            assertEquals(List.of(CONNECTED, DISCONNECTED), Chan.take(session.readChan(), 2));
            // links are dealt to the threads in turn: of these resumes, at least one lands on the other thread
            for (int i = 0; i < 2; i++) {
                try (SessionPeer back = SessionPeer.connect(server.port())) {
                    back.send(new Hello(1, id, true, 1 + i, 4096));
                    assertEquals(new Welcome(id, true, i, SessionSettings.DEFAULT_BUFFER_BYTES), back.read());
                    back.sendPayload("resumed " + i);
                    assertEquals(List.of(CONNECTED, "resumed " + i), Chan.take(session.readChan(), 2));
                    Chan.put(session.writeChan(), Chan.bytes("reply " + i));
                    assertEquals("reply " + i, back.readText());
                }
                assertEquals(DISCONNECTED, Chan.take(session.readChan()));
            }
            Stats stats = session.stats();
            assertEquals(List.of(3L, 2L, 2L), List.of(stats.connects(), stats.reconnects(), stats.sessionsResumed()));
        }
    }

    @Test
    void aPeerThatSendsAMessageInsteadOfAHelloIsRefusedAndNeverAnnounced() throws Exception {
        try (EventLoop loop = Tcp.eventLoop(); AcceptSocket server = listen(loop);
             SessionPeer original = SessionPeer.connect(server.port())) {
            original.out.write(Frames.frame(Chan.bytes("hello from 0.1.1")));
            assertEquals(new Refused(Refused.NO_HELLO), original.read());
            assertTrue(original.closedByPeer());
            Chan.assertNothingFor(server.acceptChan(), QUIET);
        }
    }

    @Test
    void anIdlePlainClientIsRefusedAfterTwiceHeartbeatTimeout() throws Exception {
        try (EventLoop loop = Tcp.eventLoop(); AcceptSocket server = listen(loop)) {
            ClientSocket idle = Sockets.connect(loop, server.port()); // heartbeats every 50 ms, nothing else
            assertEquals(CONNECTED, Chan.take(idle.readChan()));
            long connected = System.nanoTime();
            assertEquals(DISCONNECTED, Chan.take(idle.readChan()));
            long millis = (System.nanoTime() - connected) / 1_000_000;
            assertTrue(millis >= 2 * Sockets.HEARTBEAT_TIMEOUT_MILLIS - 50, "refused after " + millis + " ms");
            Chan.assertNothingFor(server.acceptChan(), QUIET);
        }
    }

    @Test
    void aSilentLinkIsDroppedAsStuck() throws Exception {
        try (EventLoop loop = Tcp.eventLoop(); AcceptSocket server = listen(loop);
             SessionPeer silent = SessionPeer.connect(server.port())) {
            assertTrue(silent.closedByPeer());
        }
    }

    @Test
    void anUnknownProtocolVersionIsRefused() throws Exception {
        try (EventLoop loop = Tcp.eventLoop(); AcceptSocket server = listen(loop);
             SessionPeer future = SessionPeer.connect(server.port())) {
            future.send(new Hello(2, SessionId.random(), false, 0, 4096));
            assertEquals(new Refused(Refused.VERSION), future.read());
            assertTrue(future.closedByPeer());
        }
    }

    @Test
    void aSessionClientOfAnOriginalLibraryServerIsDroppedAndRetriesWithoutConnecting() throws Exception {
        try (EventLoop loop = Tcp.eventLoop();
             ServerSocket original = new ServerSocket(0, 10, InetAddress.getByName(Sockets.HOST))) {
            original.setSoTimeout((int) Chan.WAIT.toMillis());
            ClientSocket client = Tcp.connect(loop, Sockets.HOST, original.getLocalPort(),
                    Sockets.fastClient().session(true).build());
            Chan.putAsync(client.writeChan(), Chan.bytes("never delivered"));
            for (int attempt = 0; attempt < 2; attempt++) {
                try (Socket link = original.accept()) {
                    // the original reads a length and allocates it: a negative one throws, and it drops the link
                    int length = new DataInputStream(link.getInputStream()).readInt();
                    assertTrue(length < 0, "the first thing a session client sends is a control frame");
                }
            }
            assertEquals(DISCONNECTED, Chan.take(client.readChan()), "once per loss, not per attempt");
            Chan.assertNothingFor(client.readChan(), QUIET);
        }
    }

    @Test
    void aSessionClientOfAPlainServerIsRefusedAndTheServerSeesNoPayload() throws Exception {
        try (EventLoop loop = Tcp.eventLoop(); AcceptSocket plain = Sockets.listen(loop)) {
            ClientSocket client = Tcp.connect(loop, Sockets.HOST, plain.port(),
                    Sockets.fastClient().session(true).build());
            Chan.putAsync(client.writeChan(), Chan.bytes("never delivered"));
            ClientSocket accepted = Sockets.nextAccepted(plain);
            assertEquals(List.of(CONNECTED, CLOSED), Chan.take(accepted.readChan(), 2));
            assertEquals(DISCONNECTED, Chan.take(client.readChan()));
            ClientSocket retried = Sockets.nextAccepted(plain);
            assertEquals(List.of(CONNECTED, CLOSED), Chan.take(retried.readChan(), 2), "it retries, and fails alike");
            Chan.assertNothingFor(client.readChan(), QUIET);
        }
    }

    @Test
    void aPlainClientOfASessionServerIsRefusedAndNeverAnnounced() throws Exception {
        try (EventLoop loop = Tcp.eventLoop(); AcceptSocket server = listen(loop)) {
            ClientSocket plain = Sockets.connect(loop, server.port());
            Chan.putAsync(plain.writeChan(), Chan.bytes("never delivered"));
            assertEquals(List.of(CONNECTED, DISCONNECTED), Chan.take(plain.readChan(), 2));
            assertEquals(CONNECTED, Chan.take(plain.readChan()), "it retries");
            Chan.assertNothingFor(server.acceptChan(), QUIET);
        }
    }

    private static AcceptSocket listen(EventLoop loop) throws Exception {
        return Tcp.accept(loop, Sockets.HOST, 0, Sockets.fastServer().session(true).build());
    }
}
