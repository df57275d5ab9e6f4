/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import net.async.tcp.ClientSocket;
import net.async.tcp.ConnectOptions;
import net.async.tcp.EventLoop;
import net.async.tcp.Tcp;
import org.junit.jupiter.api.Test;

/**
 * A frozen peer: the echo server's JVM gets SIGSTOP. Its kernel keeps the sockets open and
 * even completes new handshakes into the listen backlog, so nothing but the missing heartbeats
 * tells the client; after SIGCONT the client is back and echoes flow.
 */
// child JVMs and bounded waits of their own: longer than the suite's 30 s default
@org.junit.jupiter.api.Timeout(120)
class FrozenPeerTest {
    private static final long PERIOD = 100;
    private static final long TIMEOUT = 400;
    private static final long SLACK = 1000;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration START = Duration.ofSeconds(60);

    @Test
    void stoppedPeerIsDetectedByHeartbeatsAndResumedPeerServesAgain() throws Exception {
        try (ChildJvm server = ChildJvm.start(List.of(), EchoServerMain.class, "0", "" + PERIOD, "" + TIMEOUT);
             EventLoop loop = Tcp.eventLoop()) {
            long started = System.nanoTime();
            int port = server.expectPort(START);
            System.out.println("frozen peer: server JVM bound after " + Await.millisSince(started) + " ms");
            ClientSocket client = Tcp.connect(loop, "127.0.0.1", port, ConnectOptions.builder()
                    .heartbeatPeriodMillis(PERIOD).heartbeatTimeoutMillis(TIMEOUT)
                    .reconnectPeriodMillis(100).connectTimeoutMillis(1000).build());
            Echoes.recover(client, "before the freeze", 5, WAIT);

            long frozen = System.nanoTime();
            server.signal("STOP");
            long detected = Echoes.untilDisconnected(client, WAIT, frozen);
            System.out.println("frozen peer: client DISCONNECTED " + detected + " ms after SIGSTOP");
            assertTrue(detected < TIMEOUT + PERIOD + SLACK, "detection took " + detected + " ms");

            long resumed = System.nanoTime();
            server.signal("CONT");
            int connects = Echoes.recover(client, "after the thaw", 5, WAIT);
            System.out.println("frozen peer: round trip " + Await.millisSince(resumed) + " ms after SIGCONT ("
                    + connects + " CONNECTED)");
            server.expectAfter("closed", frozen, WAIT); // and the thawed server dropped the dead link
        }
    }
}
