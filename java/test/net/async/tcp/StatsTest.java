/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import static net.async.tcp.Chan.CONNECTED;
import static net.async.tcp.Chan.DISCONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import net.async.tcp.Stats.Cause;
import net.async.tcp.fault.Fault;
import net.async.tcp.fault.FaultProxy;
import net.async.tcp.fault.Plan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each number moves exactly as the events it counts, over real sockets.
 *
 * <h2>Threading</h2>
 * The test thread drives each case; the loops it starts count on their own threads.
 */
class StatsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void messagesAndBytesAreCountedAtBothEndsAndTheLoopKeepsThemAfterTheConnectionEnds() throws Exception {
        try (EventLoop loop = Tcp.eventLoop()) {
            AcceptSocket server = Sockets.listen(loop);
            ClientSocket client = Sockets.connect(loop, server.port());
            ClientSocket accepted = server.accept(WAIT);
            for (int size : new int[] {1, 10, 100}) {
                client.write(new byte[size]);
            }
            assertEquals(CONNECTED, Chan.take(accepted.readChan()));
            for (int i = 0; i < 3; i++) {
                Chan.takeRaw(accepted.readChan(), WAIT);
            }
            accepted.write(new byte[7]);
            assertEquals(CONNECTED, Chan.take(client.readChan()));
            Chan.takeRaw(client.readChan(), WAIT);

            Stats out = client.stats();
            assertEquals(List.of("connected", 1L, 1L, 0L, 3L, 111L, 1L, 7L), List.of(out.state(), out.connections(),
                    out.connects(), out.reconnects(), out.messagesOut(), out.bytesOut(), out.messagesIn(), out.bytesIn()));
            Stats in = accepted.stats();
            assertEquals(List.of(3L, 111L, 1L, 7L), List.of(in.messagesIn(), in.bytesIn(), in.messagesOut(), in.bytesOut()));
            Stats acceptor = server.stats();
            assertEquals(List.of("accepting", 1L, 1L, 3L), List.of(acceptor.state(), acceptor.accepted(),
                    acceptor.connections(), acceptor.messagesIn()));

            client.close();
            Chan.assertClosesNext(client.readChan());
            Await.until(() -> server.stats().connections() == 0, WAIT, "the accepted connection ended");
            assertEquals(3, server.stats().messagesIn(), "an acceptor keeps what its ended connections did");
            Stats all = loop.stats();
            assertEquals(List.of("running", 0L, 2L, 4L, 118L, 4L, 118L), List.of(all.state(), all.connections(),
                    all.connects(), all.messagesIn(), all.bytesIn(), all.messagesOut(), all.bytesOut()));
            assertEquals(0, client.stats().disconnectsTotal(), "closing is not a disconnect");
            assertEquals(1, all.disconnectsTotal(), "but the server saw its peer go");
            assertEquals(1, (long) all.disconnects().get(Cause.PEER_CLOSED));
        }
    }

    @Test
    void aLinkTheServerClosesIsAPeerCloseAndTheNextOneAReconnect() throws Exception {
        try (EventLoop loop = Tcp.eventLoop()) {
            AcceptSocket server = Sockets.listen(loop);
            ClientSocket client = Sockets.connect(loop, server.port());
            server.accept(WAIT).close();
            assertEquals(List.of(CONNECTED, DISCONNECTED, CONNECTED), Chan.take(client.readChan(), 3));
            Stats stats = client.stats();
            assertEquals(List.of(2L, 1L, 1L), List.of(stats.connects(), stats.reconnects(),
                    stats.disconnects().get(Cause.PEER_CLOSED)));
            assertEquals(1, stats.disconnectsTotal());
        }
    }

    @Test
    void failedDialsAreCountedAndNothingElse() throws Exception {
        int port = Sockets.freePort();
        try (EventLoop loop = Tcp.eventLoop()) {
            ClientSocket client = Sockets.connect(loop, port);
            assertEquals(DISCONNECTED, Chan.take(client.readChan()));
            Await.until(() -> client.stats().failedDials() >= 3, WAIT, "three failed dials");
            Stats stats = client.stats();
            assertEquals(List.of(0L, 0L), List.of(stats.connects(), stats.disconnectsTotal()));
        }
    }

    @Test
    void heartbeatsAreCountedOnAnAcceptedSessionToo() throws Exception {
        // an accepted session link is wired to its connection after the HELLO, not when it is built
        try (EventLoop loop = Tcp.eventLoop();
             AcceptSocket server = Tcp.accept(loop, Sockets.HOST, 0, Sockets.fastServer().session(true).build())) {
            ClientSocket client = Tcp.connect(loop, Sockets.HOST, server.port(),
                    Sockets.fastClient().session(true).build());
            ClientSocket accepted = server.accept(WAIT);
            assertEquals(CONNECTED, Chan.take(accepted.readChan()));
            Await.until(() -> accepted.stats().heartbeatsIn() >= 2 && accepted.stats().heartbeatsOut() >= 2, WAIT,
                    "heartbeats both ways on the accepted session: " + accepted.stats());
            assertTrue(client.stats().heartbeatsIn() >= 1);
        }
    }

    @Test
    void aSilentPeerIsAHeartbeatTimeoutAndHeartbeatsAreCountedOneByOne() throws Exception {
        try (EventLoop loop = Tcp.eventLoop();
             ServerSocket raw = new ServerSocket(0, 10, InetAddress.getByName(Sockets.HOST))) {
            ClientSocket client = Sockets.connect(loop, raw.getLocalPort());
            try (RawPeer peer = RawPeer.accept(raw)) {
                peer.send(RawPeer.frame(new byte[0]), RawPeer.frame(new byte[0]), RawPeer.frame(new byte[0]),
                        RawPeer.frame(Chan.bytes("x")));
                assertEquals(List.of(CONNECTED, "x"), Chan.take(client.readChan(), 2));
                assertEquals(3, client.stats().heartbeatsIn(), "three heartbeats, then the message");
                while (peer.readFrame().length != 0) {
                    // a message would be a bug; the read gives up after its timeout
                }
                assertTrue(client.stats().heartbeatsOut() >= 1, "the heartbeat just read was counted");
                assertEquals(DISCONNECTED, Chan.take(client.readChan()), "then the peer goes silent");
            }
            assertEquals(1, (long) client.stats().disconnects().get(Cause.HEARTBEAT_TIMEOUT));
        }
    }

    @Test
    void aBadFrameAndAResetAreTheirOwnCauses() throws Exception {
        try (EventLoop loop = Tcp.eventLoop();
             ServerSocket raw = new ServerSocket(0, 10, InetAddress.getByName(Sockets.HOST))) {
            ClientSocket client = Sockets.connect(loop, raw.getLocalPort());
            try (RawPeer garbage = RawPeer.accept(raw)) {
                assertEquals(CONNECTED, Chan.take(client.readChan()));
                garbage.send(RawPeer.header(-5));
                assertEquals(DISCONNECTED, Chan.take(client.readChan()));
            }
            RawPeer resetting = RawPeer.accept(raw);
            assertEquals(CONNECTED, Chan.take(client.readChan()));
            resetting.reset();
            assertEquals(DISCONNECTED, Chan.take(client.readChan()));
            Stats stats = client.stats();
            assertEquals(List.of(1L, 1L, 2L), List.of(stats.disconnects().get(Cause.BAD_FRAME),
                    stats.disconnects().get(Cause.RESET), stats.disconnectsTotal()));
        }
    }

    @Test
    void whatWaitsEitherWayIsCounted() throws Exception {
        int nobody = Sockets.freePort();
        try (EventLoop loop = Tcp.eventLoop()) {
            AcceptSocket server = Sockets.listen(loop);
            // a read-chan of one slot, which :connected fills: nobody takes from it yet
            ClientSocket reader = Tcp.connect(loop, Sockets.HOST, server.port(),
                    Sockets.fastClient().readChan(Chan.chan(1)).build());
            ClientSocket accepted = server.accept(WAIT);
            for (int i = 0; i < 3; i++) {
                accepted.write(Chan.bytes("unread " + i));
            }
            // every message read waits, and the socket stops reading after the first batch
            // (how many came in it is up to TCP)
            Await.until(() -> reader.stats().messagesIn() >= 1, WAIT, "a message read");
            Stats held = reader.stats();
            assertEquals(held.messagesIn(), held.waitingIn(), held.toString());
            assertEquals(List.of(CONNECTED, "unread 0", "unread 1", "unread 2"), Chan.take(reader.readChan(), 4));
            Await.until(() -> reader.stats().waitingIn() == 0, WAIT, "nothing waits once taken");
            assertEquals(3, reader.stats().messagesIn());

            ClientSocket stranded = Sockets.connect(loop, nobody);
            stranded.writeAsync(Chan.bytes("held for a link"));
            Await.until(() -> stranded.stats().waitingOut() == 1, WAIT, "one message held");
        }
    }

    @Test
    void anAcceptorCountsWhatItRejected() throws Exception {
        try (EventLoop loop = Tcp.eventLoop();
             AcceptSocket server = Tcp.accept(loop, Sockets.HOST, 0, Sockets.fastServer().maxConnections(1).build())) {
            Sockets.connect(loop, server.port());
            server.accept(WAIT);
            ClientSocket second = Sockets.connect(loop, server.port());
            assertEquals(List.of(CONNECTED, DISCONNECTED), Chan.take(second.readChan(), 2));
            Stats stats = server.stats();
            assertTrue(stats.rejected() >= 1 && stats.accepted() == 1, stats.toString());
            assertEquals(stats.rejected(), server.rejectedConnections());
        }
    }

    @Test
    void sessionsResumedAndLostAreCounted() throws Exception {
        try (EventLoop clientLoop = Tcp.eventLoop()) {
            EventLoop serverLoop = Tcp.eventLoop();
            AcceptSocket server = Tcp.accept(serverLoop, Sockets.HOST, 0, Sockets.fastServer().session(true).build());
            int port = server.port();
            ClientSocket client = Tcp.connect(clientLoop, Sockets.HOST, port, Sockets.fastClient().session(true).build());
            assertEquals(CONNECTED, Chan.take(client.readChan()));
            // claimed: a connection left on accept-chan has its write-chan closed when the acceptor
            // closes, and its session would end with a BYE, not be lost, if that came first
            server.accept(WAIT);
            serverLoop.close();
            try (EventLoop again = Tcp.eventLoop()) {
                Tcp.accept(again, Sockets.HOST, port, Sockets.fastServer().session(true).build());
                assertEquals(List.of(DISCONNECTED, Chan.SESSION_LOST, CONNECTED), Chan.take(client.readChan(), 3));
                Stats stats = client.stats();
                assertEquals(List.of(1L, 0L, 2L), List.of(stats.sessionsLost(), stats.sessionsResumed(),
                        stats.connects()));
            }
        }
    }

    @Test
    void aResumedSessionIsCountedAtBothEnds() throws Exception {
        try (EventLoop loop = Tcp.eventLoop();
             AcceptSocket server = Tcp.accept(loop, Sockets.HOST, 0, Sockets.fastServer().session(true).build());
             FaultProxy proxy = FaultProxy.start(server.port(), Plan.of(300, 300, 1, Fault.RESET))) {
            ClientSocket client = Tcp.connect(loop, Sockets.HOST, proxy.port(),
                    Sockets.fastClient().session(true).build());
            client.write(Chan.bytes("before"));
            ClientSocket accepted = server.accept(WAIT);
            assertEquals(List.of(CONNECTED, "before"), Chan.take(accepted.readChan(), 2));
            assertEquals(List.of(CONNECTED, DISCONNECTED), Chan.take(client.readChan(), 2), "the proxy's reset");
            proxy.faultsEnabled(false); // the next link's fault, due in 300 ms, will not strike
            assertEquals(CONNECTED, Chan.take(client.readChan()));
            client.write(Chan.bytes("after"));
            assertEquals(List.of(DISCONNECTED, CONNECTED, "after"), Chan.take(accepted.readChan(), 3));
            Stats out = client.stats();
            assertEquals(List.of(1L, 0L, 2L, 1L, 1L), List.of(out.sessionsResumed(), out.sessionsLost(), out.connects(),
                    out.reconnects(), out.disconnects().get(Cause.RESET)));
            assertEquals(1, accepted.stats().sessionsResumed());
            assertEquals(List.of(1L, 1L), List.of(server.stats().sessionsResumed(), server.stats().accepted() - 1),
                    "two links accepted, the second resumed the session");
        }
    }

    @Test
    void aShutDownLoopCountsItsLinksAsEndedByShutdown() throws Exception {
        // the server on a loop of its own: with both ends on one loop, the accepted link may read
        // the client's close before the shutdown reaches it, and rightly count a peer close
        try (EventLoop serverLoop = Tcp.eventLoop()) {
            EventLoop loop = Tcp.eventLoop();
            AcceptSocket server = Sockets.listen(serverLoop);
            ClientSocket client = Sockets.connect(loop, server.port());
            server.accept(WAIT);
            assertEquals(CONNECTED, Chan.take(client.readChan()));
            loop.close();
            Stats stats = loop.stats();
            assertEquals(List.of("shut down", 0L, 1L, 1L), List.of(stats.state(), stats.connections(),
                    stats.connects(), stats.disconnects().get(Cause.SHUTDOWN)));
            assertEquals(1, stats.disconnectsTotal());
        }
    }

    @Test
    void garbageInsideTlsIsATlsFailure(@TempDir Path dir) throws Exception {
        TestCertificates certificates = new TestCertificates(dir);
        certificates.create("server", "CN=localhost", "dns:localhost,ip:127.0.0.1");
        try (EventLoop loop = Tcp.eventLoop();
             AcceptSocket server = Tcp.accept(loop, Sockets.HOST, 0,
                     AcceptOptions.builder().sslContext(certificates.server("server")).build());
             Socket plain = new Socket(Sockets.HOST, server.port())) {
            SSLSocket tls = (SSLSocket) trustingAnyone().getSocketFactory()
                    .createSocket(plain, Sockets.HOST, server.port(), false);
            tls.startHandshake();
            tls.getOutputStream().write(RawPeer.frame(Chan.bytes("hello")));
            tls.getOutputStream().flush();
            ClientSocket accepted = server.accept(WAIT);
            assertEquals(List.of(CONNECTED, "hello"), Chan.take(accepted.readChan(), 2));
            plain.getOutputStream().write(new byte[] {23, 3, 3, 0, 16, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
                    15, 16}); // an application-data record no key made
            plain.getOutputStream().flush();
            Chan.assertClosesNext(accepted.readChan());
            assertEquals(1, (long) accepted.stats().disconnects().get(Cause.TLS), accepted.stats().toString());
            assertEquals(1, server.stats().disconnectsTotal());
        }
    }

    private static SSLContext trustingAnyone() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
        return context;
    }

    @Test
    void theClojureViewHasKeywordKeys() {
        Stats empty = new Stats("running", 0, 0, 0, 0, java.util.Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        clojure.lang.IPersistentMap map = empty.toMap();
        assertEquals(clojure.lang.Keyword.intern("running"), map.valAt(clojure.lang.Keyword.intern("state")));
        assertEquals(0L, ((clojure.lang.IPersistentMap) map.valAt(clojure.lang.Keyword.intern("disconnects")))
                .valAt(clojure.lang.Keyword.intern("heartbeat-timeout")));
    }
}
