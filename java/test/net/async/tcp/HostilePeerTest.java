/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Raw-socket peers abuse one accepted server while a well-behaved client on the same server keeps
 * echoing: each abuser is dropped (its read-chan ends with CLOSED and no payload) or, for the
 * legal-but-slow trickled frame, served intact; the good client keeps making round trips and
 * never sees DISCONNECTED.
 */
class HostilePeerTest {
    private static final int MAX = 64 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(5);
    // 400 ms of silence is too short a timeout on a loaded 2-core CI box: a starved loop then
    // drops the good client as stuck, and its reconnection is taken for an abuser's connection
    private static final AcceptOptions SERVER = AcceptOptions.builder().maxFrameSize(MAX)
            .heartbeatPeriodMillis(100).heartbeatTimeoutMillis(1000).build();
    private static final ConnectOptions CLIENT = ConnectOptions.builder().maxFrameSize(MAX)
            .heartbeatPeriodMillis(100).heartbeatTimeoutMillis(1000).reconnectPeriodMillis(50).build();

    @Test
    void abusersAreDroppedWhileAGoodClientKeepsEchoing() throws Exception {
        Set<Thread> before = loopThreads();
        try (Trouble trouble = Trouble.watch();
             EventLoop serverLoop = Tcp.eventLoop();
             AcceptSocket server = Tcp.accept(serverLoop, "127.0.0.1", 0, SERVER)) {
            Thread serverThread = loopThreads().stream().filter(t -> !before.contains(t)).findFirst().orElseThrow();
            try (EventLoop clientLoop = Tcp.eventLoop();
                 ClientSocket client = Tcp.connect(clientLoop, "127.0.0.1", server.port(), CLIENT);
                 Pinger pinger = Pinger.start(client, server)) {
                abuse("garbage", server, pinger, "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(US_ASCII), false);
                abuse("huge header, then silence", server, pinger, Frames.header(0x7fffffff), false);
                abuse("negative length, then a frame", server, pinger,
                        Frames.concat(Frames.header(-5), Frames.frame(3)), false);
                abuse("oversize frame, then a frame", server, pinger,
                        Frames.concat(Frames.frame(MAX + 1), Frames.frame(3)), false);
                abuse("half a frame, then close", server, pinger, Arrays.copyOf(Frames.frame(100), 52), true);
                trickle(server, pinger, serverThread);

                int total = pinger.stop();
                System.out.printf("hostile peers: %d round trips of the good client during the abuse%n", total);
                assertTrue(total >= 20, "the good client made only " + total + " round trips");
                assertEquals(List.of(), pinger.trouble(), "the good client's trouble");
            }
            trouble.assertNone();
        }
    }

    /** Sends {@code bytes}, then FIN if told, and expects the server to drop the peer. */
    private static void abuse(String what, AcceptSocket server, Pinger pinger, byte[] bytes, boolean thenClose)
            throws Exception {
        int roundTrips = pinger.roundTrips();
        try (ReadingPeer peer = ReadingPeer.connect(server.port())) {
            ClientSocket accepted = server.accept(WAIT);
            assertNotNull(accepted, what + ": accepted");
            assertEquals(Event.CONNECTED, accepted.read(WAIT), what);
            peer.send(bytes);
            if (thenClose) {
                peer.shutdownOutput();
            }
            Event end = accepted.read(WAIT);
            assertEquals(Event.CLOSED, end, () -> what + ": dropped with no payload delivered (the good client's "
                    + "trouble, if this is its reconnection: " + pinger.trouble() + ")");
            assertTrue(peer.awaitEnd(WAIT), what + ": the server closed the socket");
        }
        System.out.printf("hostile peers: %s: dropped, %d good round trips meanwhile%n", what,
                pinger.roundTrips() - roundTrips);
    }

    /** A legal 60 KiB frame, one byte per write: it must arrive whole, without buffering beyond it. */
    private static void trickle(AcceptSocket server, Pinger pinger, Thread serverThread) throws Exception {
        byte[] payload = Frames.payload(60 * 1024, 7);
        byte[] frame = Frames.frame(payload);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (ReadingPeer peer = ReadingPeer.connect(server.port())) {
            ClientSocket accepted = server.accept(WAIT);
            assertNotNull(accepted);
            assertEquals(Event.CONNECTED, accepted.read(WAIT));
            int roundTrips = pinger.roundTrips();
            long allocatedBefore = threads.getThreadAllocatedBytes(serverThread.getId());
            long start = System.nanoTime();
            for (byte b : frame) {
                assertTrue(peer.send(new byte[] {b}), "the server keeps the trickling peer");
            }
            Event event = accepted.read(WAIT);
            long allocated = threads.getThreadAllocatedBytes(serverThread.getId()) - allocatedBefore;
            assertEquals(Event.Kind.MESSAGE, event.kind());
            assertArrayEquals(payload, event.payload(), "the trickled frame arrives intact");
            int during = pinger.roundTrips() - roundTrips;
            System.out.printf("hostile peers: 60 KiB trickled in %d one-byte writes over %d ms; %d good round "
                            + "trips meanwhile; server loop heap allocation %d KiB%n", frame.length,
                    (System.nanoTime() - start) / 1_000_000, during, allocated / 1024);
            assertTrue(during > 0, "the good client made progress while a peer trickled");
            peer.shutdownOutput();
            assertEquals(Event.CLOSED, accepted.read(WAIT));
        }
    }

    private static Set<Thread> loopThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("net-async-tcp-")).collect(Collectors.toSet());
    }

    /** The good client: pings, the server echoes, counted; anything else is trouble. */
    private static final class Pinger implements AutoCloseable {
        private final ClientSocket client;
        private final ClientSocket echo;
        private final List<String> trouble = new ArrayList<>();
        private final Thread pinger;
        private final Thread echoer;
        private volatile boolean running = true;
        private volatile int roundTrips;

        private Pinger(ClientSocket client, ClientSocket echo) {
            this.client = client;
            this.echo = echo;
            this.pinger = new Thread(this::ping, "good-client");
            this.echoer = new Thread(this::echo, "good-echo");
        }

        static Pinger start(ClientSocket client, AcceptSocket server) {
            assertEquals(Event.CONNECTED, client.read(WAIT));
            ClientSocket echo = server.accept(WAIT);
            assertNotNull(echo);
            assertEquals(Event.CONNECTED, echo.read(WAIT));
            Pinger pinger = new Pinger(client, echo);
            pinger.echoer.start();
            pinger.pinger.start();
            return pinger;
        }

        private void ping() {
            for (int i = 0; running; i++) {
                byte[] ping = Frames.payload(16, i);
                client.write(ping);
                Event reply = client.read(WAIT);
                if (reply == null || !reply.isMessage() || !Arrays.equals(ping, reply.payload())) {
                    record("round trip " + i + " got " + reply);
                    return;
                }
                roundTrips++;
            }
        }

        private void echo() {
            Event event;
            while ((event = echo.read(Duration.ofMillis(200))) == null || event.isMessage()) {
                if (event != null) {
                    echo.write(event.payload());
                } else if (!running) {
                    return;
                }
            }
            if (running) {
                record("echo side got " + event);
            }
        }

        private synchronized void record(String what) {
            trouble.add(what);
        }

        synchronized List<String> trouble() {
            return new ArrayList<>(trouble);
        }

        int roundTrips() {
            return roundTrips;
        }

        int stop() throws InterruptedException {
            running = false;
            pinger.join(WAIT.toMillis());
            echoer.join(WAIT.toMillis());
            return roundTrips;
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }
}
