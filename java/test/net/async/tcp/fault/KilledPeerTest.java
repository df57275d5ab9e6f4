/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import net.async.tcp.ClientSocket;
import net.async.tcp.ConnectOptions;
import net.async.tcp.EventLoop;
import net.async.tcp.Tcp;
import net.async.tcp.impl.chan.Chans;
import org.junit.jupiter.api.Test;

/**
 * A killed peer: ten clients stream numbered messages through an echo server in another JVM,
 * which gets SIGKILL mid-stream and is restarted on the same port. Every client reconnects and
 * streams on; what was in flight in the kernel at the kill may be lost, but no echo ever comes
 * twice or out of order.
 */
// child JVMs and bounded waits of their own: longer than the suite's 30 s default
@org.junit.jupiter.api.Timeout(120)
class KilledPeerTest {
    private static final int CLIENTS = 10;
    private static final long ECHOES_PER_LINK = 200;
    private static final String PERIOD = "500";
    private static final String TIMEOUT = "2000";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration START = Duration.ofSeconds(60);

    @Test
    void killedPeerMidStreamLosesOnlyInFlightMessagesAndNeverDuplicatesOrReorders() throws Exception {
        List<Streamer> streamers = new ArrayList<>();
        ChildJvm restarted = null;
        try (ChildJvm server = ChildJvm.start(List.of(), EchoServerMain.class, "0", PERIOD, TIMEOUT);
             EventLoop loop = Tcp.eventLoop()) {
            int port = server.expectPort(START);
            for (int i = 0; i < CLIENTS; i++) {
                ClientSocket client = Tcp.connect(loop, "127.0.0.1", port, ConnectOptions.builder()
                        .reconnectPeriodMillis(100)
                        .heartbeatPeriodMillis(Long.parseLong(PERIOD)).heartbeatTimeoutMillis(Long.parseLong(TIMEOUT))
                        .readChan(Chans.chan(1024)).writeChan(Chans.chan(64)).build());
                streamers.add(new Streamer(client, "client-" + i));
            }
            awaitAll(streamers, s -> s.echoesThisLink() >= ECHOES_PER_LINK, "streaming to the first server");

            long echoesBefore = streamers.stream().mapToLong(Streamer::echoes).sum();
            // a link may have dropped and come back before (a slow heartbeat on a busy box): count from here
            Map<Streamer, Integer> linksBefore = streamers.stream().collect(Collectors.toMap(s -> s, Streamer::connects));
            Map<Streamer, Integer> lossesBefore = streamers.stream().collect(Collectors.toMap(s -> s, Streamer::disconnects));
            long killed = System.nanoTime();
            server.kill();
            awaitAll(streamers, s -> s.disconnects() > lossesBefore.get(s), "DISCONNECTED after the kill");
            System.out.println("killed peer: all " + CLIENTS + " clients DISCONNECTED " + Await.millisSince(killed)
                    + " ms after SIGKILL, " + echoesBefore + " echoes before it");

            long restarting = System.nanoTime();
            restarted = ChildJvm.start(List.of(), EchoServerMain.class, "" + port, PERIOD, TIMEOUT);
            assertEquals(port, restarted.expectPort(START), "restarted on the same port");
            long bound = System.nanoTime();
            awaitAll(streamers, s -> s.connects() > linksBefore.get(s), "CONNECTED to the restarted server");
            System.out.println("killed peer: restarted server bound " + (bound - restarting) / 1_000_000
                    + " ms after launch; all clients CONNECTED " + Await.millisSince(bound) + " ms after the bind");
            awaitAll(streamers, s -> s.connects() > linksBefore.get(s) && s.echoesThisLink() >= ECHOES_PER_LINK,
                    "streaming to the restarted server");
        } finally {
            for (Streamer streamer : streamers) {
                streamer.close();
            }
            if (restarted != null) {
                restarted.close();
            }
        }
        List<String> violations = new ArrayList<>();
        streamers.forEach(s -> violations.addAll(s.violations()));
        System.out.println("killed peer: " + streamers.stream().mapToLong(Streamer::echoes).sum() + " echoes in order, "
                + streamers.stream().mapToLong(Streamer::lost).sum() + " lost at the kill, "
                + violations.size() + " duplicated or out of order");
        assertEquals(List.of(), violations, "echoes duplicated or out of order");
    }

    private static void awaitAll(List<Streamer> streamers, Predicate<Streamer> condition, String what) {
        Await.until(() -> streamers.stream().allMatch(condition), WAIT, () -> what + ": "
                + streamers.stream().filter(condition.negate()).count() + " clients behind");
    }
}
