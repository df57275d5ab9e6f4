/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import net.async.tcp.ClientSocket;
import net.async.tcp.ConnectOptions;
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
}
