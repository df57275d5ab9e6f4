/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import static org.junit.jupiter.api.Assertions.assertTrue;

import clojure.java.api.Clojure;
import clojure.lang.AFunction;
import clojure.lang.IFn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import net.async.tcp.AcceptOptions;
import net.async.tcp.ClientSocket;
import net.async.tcp.ConnectOptions;
import net.async.tcp.Event;
import net.async.tcp.EventLoop;
import net.async.tcp.Tcp;
import net.async.tcp.impl.chan.Chans;
import org.junit.jupiter.api.Test;

/**
 * A reconnect storm: 1,000 clients on one event loop lose their server, which stays down for a
 * while and comes back on the same port. With backoff and jitter they all come back, spread out
 * in time instead of in one burst.
 */
// child JVMs and bounded waits of their own: longer than the suite's 30 s default
@org.junit.jupiter.api.Timeout(120)
class ReconnectStormTest {
    private static final int CLIENTS = 1000;
    // long enough for the backoff to reach its cap (50, 100, … 800 ms, then 1000 ms ± 50%) and stay
    // there a round or two: by then jitter has scattered the clients' dial times over a second
    private static final Duration OUTAGE = Duration.ofSeconds(3);
    private static final Duration ALL_BACK_WITHIN = Duration.ofSeconds(15);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long MIN_SPREAD_MILLIS = 300;
    private static final double MAX_ORDER_CORRELATION = 0.5;
    private static final ConnectOptions BACKOFF = ConnectOptions.builder()
            .reconnectPeriodMillis(50).reconnectMaxPeriodMillis(1000).reconnectJitter(0.5).build();

    @Test
    void thousandClientsAllReconnectSpreadOutByJitter() throws Exception {
        AtomicIntegerArray connects = new AtomicIntegerArray(CLIENTS);
        AtomicIntegerArray disconnects = new AtomicIntegerArray(CLIENTS);
        AtomicLongArray connectedAt = new AtomicLongArray(CLIENTS);
        AtomicLongArray disconnectedAt = new AtomicLongArray(CLIENTS);
        try (EventLoop clientLoop = Tcp.eventLoop()) {
            int port;
            int[] linksBefore;
            int[] lossesBefore;
            try (EventLoop serverLoop = Tcp.eventLoop()) {
                Acceptances first = new Acceptances();
                port = Tcp.accept(serverLoop, "127.0.0.1", 0, first.options()).port();
                for (int i = 0; i < CLIENTS; i++) {
                    watch(Tcp.connect(clientLoop, "127.0.0.1", port, BACKOFF), i, connects, disconnects, connectedAt, disconnectedAt);
                }
                Await.until(() -> above(connects, new int[CLIENTS]) == CLIENTS, WAIT,
                        () -> above(connects, new int[CLIENTS]) + " connected");
                // counted from here on, in case a link dropped and came back already
                linksBefore = snapshot(connects);
                lossesBefore = snapshot(disconnects);
            }
            long down = System.nanoTime();
            Await.until(() -> above(disconnects, lossesBefore) == CLIENTS, WAIT,
                    () -> above(disconnects, lossesBefore) + " disconnected");
            // the outage itself: the scenario's length, not a wait for anything
            LockSupport.parkNanos(Math.max(0, down + OUTAGE.toNanos() - System.nanoTime()));

            try (EventLoop serverLoop = Tcp.eventLoop()) {
                Acceptances second = new Acceptances();
                Tcp.accept(serverLoop, "127.0.0.1", port, second.options());
                long up = System.nanoTime();
                Await.until(() -> above(connects, linksBefore) == CLIENTS, WAIT,
                        () -> above(connects, linksBefore) + " reconnected");
                long allBack = Await.millisSince(up);
                Await.until(() -> second.size() >= CLIENTS, WAIT, () -> second.size() + " accepted");

                long[] at = second.millisSince(up);
                long p10 = at[at.length / 10];
                long p90 = at[at.length * 9 / 10];
                int burst = maxWithin(at, 10);
                System.out.println("storm: all " + CLIENTS + " clients CONNECTED again " + allBack
                        + " ms after the restart (server down " + (up - down) / 1_000_000 + " ms)");
                System.out.println("storm: accepts after the restart from " + at[0] + " to " + at[at.length - 1]
                        + " ms, p10 " + p10 + " ms, p90 " + p90 + " ms, spread p10-p90 " + (p90 - p10) + " ms");
                long[] seen = new long[CLIENTS];
                Arrays.setAll(seen, i -> (connectedAt.get(i) - up) / 1_000_000);
                Arrays.sort(seen);
                System.out.println("storm: clients saw CONNECTED from " + seen[0] + " to " + seen[CLIENTS - 1]
                        + " ms, p10 " + seen[CLIENTS / 10] + " ms, p90 " + seen[CLIENTS * 9 / 10] + " ms");
                System.out.println("storm: most accepts in any 10 ms: " + burst + " of " + at.length);
                double rho = rankCorrelation(disconnectedAt, connectedAt);
                System.out.printf("storm: rank correlation of loss order and comeback order: %.2f%n", rho);
                assertTrue(allBack < ALL_BACK_WITHIN.toMillis(), "all back after " + allBack + " ms");
                // jitter alone spreads these dials over a second (waits of 500..1500 ms); without it they
                // come in one burst, spread only by how fast the two loops work through them
                assertTrue(p90 - p10 > MIN_SPREAD_MILLIS, "reconnects spread over " + (p90 - p10) + " ms only");
                assertTrue(burst < at.length / 2, burst + " accepts within 10 ms");
                // a loaded loop alone also spreads dials out, but keeps them in the order the links were
                // lost; only jitter shuffles that order
                assertTrue(Math.abs(rho) < MAX_ORDER_CORRELATION, "comebacks follow the order of the losses: " + rho);
            }
        }
    }

    /** Counts each client's CONNECTEDs and DISCONNECTEDs, from core.async callbacks; no thread per client. */
    private static void watch(ClientSocket client, int i, AtomicIntegerArray connects, AtomicIntegerArray disconnects,
                              AtomicLongArray connectedAt, AtomicLongArray disconnectedAt) {
        client.readAsync().thenAccept(event -> {
            if (event.kind() == Event.Kind.CONNECTED) {
                connectedAt.set(i, System.nanoTime());
                connects.incrementAndGet(i);
            } else if (event.kind() == Event.Kind.DISCONNECTED) {
                disconnectedAt.set(i, System.nanoTime());
                disconnects.incrementAndGet(i);
            }
            if (event.kind() != Event.Kind.CLOSED) {
                watch(client, i, connects, disconnects, connectedAt, disconnectedAt);
            }
        });
    }

    /** How many clients' counts are above {@code before}. */
    private static int above(AtomicIntegerArray counts, int[] before) {
        int n = 0;
        for (int i = 0; i < counts.length(); i++) {
            n += counts.get(i) > before[i] ? 1 : 0;
        }
        return n;
    }

    /** Spearman's rank correlation of the two series (no ties among nanosecond stamps to speak of). */
    private static double rankCorrelation(AtomicLongArray a, AtomicLongArray b) {
        double[] ra = ranks(a);
        double[] rb = ranks(b);
        double n = ra.length;
        double sumSquares = 0;
        for (int i = 0; i < ra.length; i++) {
            sumSquares += (ra[i] - rb[i]) * (ra[i] - rb[i]);
        }
        return 1 - 6 * sumSquares / (n * (n * n - 1));
    }

    private static double[] ranks(AtomicLongArray values) {
        Integer[] order = new Integer[values.length()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (x, y) -> Long.compare(values.get(x), values.get(y)));
        double[] rank = new double[order.length];
        for (int r = 0; r < order.length; r++) {
            rank[order[r]] = r;
        }
        return rank;
    }

    private static int[] snapshot(AtomicIntegerArray counts) {
        int[] copy = new int[counts.length()];
        Arrays.setAll(copy, counts::get);
        return copy;
    }

    /** The largest number of sorted {@code times} within any window of {@code window} ms. */
    private static int maxWithin(long[] times, long window) {
        int best = 0;
        for (int lo = 0, hi = 0; hi < times.length; hi++) {
            while (times[hi] - times[lo] >= window) {
                lo++;
            }
            best = Math.max(best, hi - lo + 1);
        }
        return best;
    }

    /**
     * Notes when the acceptor hands over each connection: a buffered accept-chan whose transducer
     * stamps the time as the value goes in, on the server's event loop, so the acceptor never
     * waits for a taker and the stamps are the accepts themselves.
     */
    private static final class Acceptances {
        private static final IFn CHAN = (IFn) Clojure.var("clojure.core", "requiring-resolve")
                .invoke(Clojure.read("clojure.core.async/chan"));
        private static final IFn MAP = Clojure.var("clojure.core", "map");

        private final List<Long> nanos = new ArrayList<>();
        private final Object chan = CHAN.invoke(2 * CLIENTS, MAP.invoke(new AFunction() {
            @Override
            public Object invoke(Object socket) {
                long now = System.nanoTime();
                synchronized (nanos) {
                    nanos.add(now);
                }
                return socket;
            }
        }));

        AcceptOptions options() {
            return AcceptOptions.builder().acceptChan(chan).readChanFactory(() -> Chans.chan(4)).build();
        }

        int size() {
            synchronized (nanos) {
                return nanos.size();
            }
        }

        long[] millisSince(long startNanos) {
            synchronized (nanos) {
                long[] at = nanos.stream().mapToLong(n -> (n - startNanos) / 1_000_000).toArray();
                Arrays.sort(at);
                return at;
            }
        }
    }
}
