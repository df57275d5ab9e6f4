/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import net.async.tcp.ClientSocket;
import net.async.tcp.ConnectOptions;
import net.async.tcp.Event;
import net.async.tcp.EventLoop;
import net.async.tcp.Tcp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 10,000 concurrent connections to one server (its own JVM, so that each process stays under
 * this machine's limit of 20,000 descriptors), all clients on one event loop: every one connects
 * and gets its echo, then they idle with heartbeats flowing and none is dropped. Reports the
 * server's memory per connection and the client loop's CPU while idle.
 */
@Timeout(180)
class ManyConnectionsTest {
    private static final int CONNECTIONS = 10_000;
    private static final String PERIOD = "2000";
    private static final String TIMEOUT = "8000";
    // longer than the timeout, so only heartbeats can keep the links up
    private static final Duration IDLE = Duration.ofSeconds(9);

    @Test
    void tenThousandConnectionsAreAllServedAndSurviveAnIdlePeriod() throws Exception {
        // the server on an event loop of two threads, the clients on one
        try (ChildJvm server = ChildJvm.start(List.of(), CallbackEchoServerMain.class, PERIOD, TIMEOUT, "2")) {
            int port = server.expectPort(Duration.ofSeconds(90));
            long rssBefore = rss(server.expect(line -> line.text().startsWith("rss "), Duration.ofSeconds(10), "rss"));
            Set<Long> threadsBefore = netAsyncThreads();
            try (EventLoop loop = Tcp.eventLoop()) {
                ConnectOptions options = ConnectOptions.builder().heartbeatPeriodMillis(Long.parseLong(PERIOD))
                        .heartbeatTimeoutMillis(Long.parseLong(TIMEOUT)).reconnectPeriodMillis(200).build();
                CountDownLatch echoed = new CountDownLatch(CONNECTIONS);
                // a dial refused while the server's accept backlog overflows is retried, not dropped;
                // what must not happen is a link lost once everyone is connected and idle
                Drops dropped = new Drops();
                List<ClientSocket> clients = new ArrayList<>(CONNECTIONS);
                long start = System.nanoTime();
                for (int i = 0; i < CONNECTIONS; i++) {
                    ClientSocket client = Tcp.connect(loop, "127.0.0.1", port, options);
                    clients.add(client);
                    watch(client, i, echoed, dropped);
                }
                assertTrue(echoed.await(120, TimeUnit.SECONDS), echoed.getCount() + " clients got no echo");
                long allEchoedMillis = Await.millisSince(start);
                long rssAfter = rss(server.expect(line -> line.text().startsWith("rss ")
                        && line.text().endsWith(" at " + CONNECTIONS), Duration.ofSeconds(30), "rss at 10,000"));

                long loopThread = netAsyncThreads().stream().filter(id -> !threadsBefore.contains(id)).findFirst()
                        .orElseThrow();
                ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                long cpuBefore = threads.getThreadCpuTime(loopThread);
                long idleStart = System.nanoTime();
                dropped.startIdle();
                Await.until(() -> System.nanoTime() - idleStart >= IDLE.toNanos() || dropped.whileIdle.get() > 0,
                        IDLE.plusSeconds(5), "the idle period");
                double idleCpu = (threads.getThreadCpuTime(loopThread) - cpuBefore) / (double) (System.nanoTime() - idleStart);

                System.out.printf("10k connections: all echoed in %d ms (%d dials retried); server memory %.1f KiB"
                        + " per connection; client loop CPU while idle %.1f%% of a core%n", allEchoedMillis,
                        dropped.beforeIdle.get(), (rssAfter - rssBefore) / (double) CONNECTIONS, idleCpu * 100);
                assertEquals(0, dropped.whileIdle.get(), "connections dropped while idle with heartbeats flowing");
            }
        }
    }

    /** Counts the echo of each client's one message, and any DISCONNECTED after it. */
    /** DISCONNECTED events, counted apart before and during the idle period. */
    private static final class Drops {
        final AtomicInteger beforeIdle = new AtomicInteger();
        final AtomicInteger whileIdle = new AtomicInteger();
        private volatile boolean idle;

        void startIdle() {
            idle = true;
        }

        void record() {
            (idle ? whileIdle : beforeIdle).incrementAndGet();
        }
    }

    private static void watch(ClientSocket client, int id, CountDownLatch echoed, Drops dropped) {
        client.readAsync().thenAccept(event -> {
            switch (event.kind()) {
                case CONNECTED -> {
                    client.writeAsync(ByteBuffer.allocate(4).putInt(id).array());
                    watch(client, id, echoed, dropped);
                }
                case MESSAGE -> {
                    if (ByteBuffer.wrap(event.payload()).getInt() == id) {
                        echoed.countDown();
                    }
                    watch(client, id, echoed, dropped);
                }
                case DISCONNECTED -> {
                    dropped.record();
                    watch(client, id, echoed, dropped);
                }
                case CLOSED -> { }
            }
        });
    }

    private static long rss(ChildJvm.Line line) {
        return Long.parseLong(line.text().split(" ")[1]);
    }

    private static Set<Long> netAsyncThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("net-async-tcp-"))
                .map(Thread::getId)
                .collect(Collectors.toSet());
    }
}
