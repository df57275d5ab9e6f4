/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import net.async.tcp.ClientSocket;
import net.async.tcp.ConnectOptions;
import net.async.tcp.Event;
import net.async.tcp.EventLoop;
import net.async.tcp.Tcp;
import org.junit.jupiter.api.Test;

/**
 * A real network partition: the echo server runs in a network namespace of its own, reached over
 * a veth pair; taking the host end down makes packets vanish with no RST and no FIN, so only the
 * heartbeats can tell. Needs root, as in CI; fails (never skips) without it.
 */
// child JVMs and bounded waits of their own: longer than the suite's 30 s default
@org.junit.jupiter.api.Timeout(120)
class PartitionTest {
    private static final long PERIOD = 100;
    private static final long TIMEOUT = 400;
    private static final long SLACK = 1000;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration START = Duration.ofSeconds(60);

    @Test
    void cutLinkIsDetectedByHeartbeatsOnBothSidesAndHealedLinkReconnects() throws Exception {
        try (NetNs ns = NetNs.create();
             ChildJvm server = ChildJvm.start(ns.exec(), EchoServerMain.class, "0", "" + PERIOD, "" + TIMEOUT);
             EventLoop loop = Tcp.eventLoop()) {
            long started = System.nanoTime();
            int port = server.expectPort(START);
            System.out.println("partition: server JVM in " + ns.name + " bound after " + Await.millisSince(started) + " ms");
            ClientSocket client = Tcp.connect(loop, ns.nsAddress, port, ConnectOptions.builder()
                    .heartbeatPeriodMillis(PERIOD).heartbeatTimeoutMillis(TIMEOUT)
                    .reconnectPeriodMillis(100).connectTimeoutMillis(1000).build());
            Echoes.recover(client, "before the cut", 5, WAIT);

            long cut = System.nanoTime();
            ns.cut();
            long clientMillis = Echoes.untilDisconnected(client, WAIT, cut);
            long serverMillis = (server.expectAfter("closed", cut, WAIT).atNanos() - cut) / 1_000_000;
            System.out.println("partition: client DISCONNECTED " + clientMillis + " ms after the cut");
            System.out.println("partition: server CLOSED " + serverMillis + " ms after the cut");
            assertTrue(clientMillis < TIMEOUT + PERIOD + SLACK, "client detection took " + clientMillis + " ms");
            assertTrue(serverMillis < TIMEOUT + PERIOD + SLACK, "server detection took " + serverMillis + " ms");
            assertNull(client.read(Duration.ofMillis(3 * PERIOD)), "no reconnect while the link is down");

            long heal = System.nanoTime();
            ns.heal();
            int reconnects = Echoes.recover(client, "after the heal", 5, WAIT);
            System.out.println("partition: round trip " + Await.millisSince(heal) + " ms after the heal ("
                    + reconnects + " CONNECTED)");
        }
    }

    /**
     * The same cut with sessions on at both ends, while a window of numbered messages is always
     * in flight: messages in kernel buffers, in the server and in echoes on the way back when
     * the link dies are all sent again after the heal, so every echo arrives exactly once, in order.
     */
    @Test
    void withSessionsNothingInFlightAtTheCutIsLostOrRepeated() throws Exception {
        int total = 4_000;
        int window = 200;
        try (NetNs ns = NetNs.create();
             ChildJvm server = ChildJvm.start(ns.exec(), EchoServerMain.class, "0", "" + PERIOD, "" + TIMEOUT, "session");
             EventLoop loop = Tcp.eventLoop()) {
            int port = server.expectPort(START);
            ClientSocket client = Tcp.connect(loop, ns.nsAddress, port, ConnectOptions.builder()
                    .heartbeatPeriodMillis(PERIOD).heartbeatTimeoutMillis(TIMEOUT)
                    .reconnectPeriodMillis(100).connectTimeoutMillis(1000).session(true).build());
            Semaphore inFlight = new Semaphore(window);
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < total; i++) {
                        if (!inFlight.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)
                                || !Echoes.write(client, ByteBuffer.allocate(4).putInt(i).array(), WAIT)) {
                            return;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "partition-session-writer");
            writer.setDaemon(true);
            writer.start();

            int next = 0;
            long cut = 0;
            boolean healed = false;
            List<String> events = new ArrayList<>();
            while (next < total) {
                Event event = client.read(WAIT);
                assertTrue(event != null, "echo " + next + " within " + WAIT.toMillis() + " ms; events " + events);
                if (!event.isMessage()) {
                    events.add(event.kind().name());
                    if (event.kind() == Event.Kind.DISCONNECTED && cut != 0 && !healed) {
                        assertNull(client.read(Duration.ofMillis(3 * PERIOD)), "nothing while the link is down");
                        ns.heal();
                        healed = true;
                    }
                    // any other loss is a stall of a loaded machine longer than the heartbeat
                    // timeout: the session resumes through it like through the cut
                    continue;
                }
                assertEquals(next, ByteBuffer.wrap(event.payload()).getInt(), "echoes in order, each once");
                next++;
                inFlight.release();
                if (next == total / 4) {
                    cut = System.nanoTime();
                    ns.cut();
                }
            }
            assertTrue(healed, "the cut was noticed");
            assertEquals("CONNECTED", events.get(0));
            for (int i = 1; i < events.size(); i++) {
                assertEquals(i % 2 == 1 ? "DISCONNECTED" : "CONNECTED", events.get(i),
                        "resumes, never a lost session: " + events);
            }
            assertEquals("CONNECTED", events.get(events.size() - 1), events.toString());
            if (events.size() > 3) {
                System.out.println("partition with sessions: " + (events.size() / 2 - 1)
                        + " link(s) lost to stalls besides the cut: " + events);
            }
            server.expectAfter("disconnected", cut, WAIT);
            System.out.println("partition with sessions: " + total + " echoes in order, none lost or repeated, "
                    + window + " in flight at the cut");
            writer.join(WAIT.toMillis());
        }
    }
}
