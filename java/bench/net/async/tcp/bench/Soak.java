/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.async.tcp.Stats;
import net.async.tcp.fault.Fault;

/**
 * Issue 19 part 5: {@value #SESSIONS} sessions on one server whose accept loop takes a new
 * session only every {@value #ACCEPT_PAUSE_MILLIS} ms, every link reset or blackholed at random
 * through {@value #PROXIES} proxies, while a client closes by agreement and a new one arrives
 * every {@value #CHURN_MILLIS} ms. Each client sends {@value #RATE} numbered messages a second
 * (at most {@value #WINDOW} unechoed) and checks every echo. It reports messages, losses and
 * duplicates (must be 0), resumes, sessions lost (must be 0), the p99 resume time, file
 * descriptors, and the process's memory growth against the bound its settings give.
 *
 * <pre>
 *   java/bin/bench -Dbench.only=soak                     # 10 minutes
 *   java/bin/bench -Dbench.only=soak -Dsoak.seconds=60   # quick
 * </pre>
 *
 * <h3>Threading</h3>
 * The step's thread paces the clients, churns them and samples; the sessions run on core.async's
 * and the loops' threads ({@link ChaosRig}).
 */
final class Soak {
    static final int SESSIONS = 1000;
    static final long DEFAULT_SECONDS = 600;
    private static final long ACCEPT_PAUSE_MILLIS = 4;
    private static final int PROXIES = 4;
    private static final long CHURN_MILLIS = 100;
    private static final long TICK_MILLIS = 100;
    private static final int RATE = 10; // messages a second per client, one credit a tick
    private static final int WINDOW = 4;
    private static final int CHAN_SLOTS = 4;
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final int LARGE = 8 * 1024;
    private static final long SAMPLE_SECONDS = 30;
    private static final long DRAIN_SECONDS = 90;
    private static final long SOCKET_KIB = 20; // the idle-connection bound the README states
    private static final long HIGH_WATER_KIB = 64; // Netty's write high-water mark, per end

    private final Report report;
    private final Progress progress;

    Soak(Report report, Progress progress) {
        this.report = report;
        this.progress = progress;
    }

    static long secondsFromProperty() {
        String value = System.getProperty("soak.seconds", "");
        return value.isBlank() ? DEFAULT_SECONDS : Long.parseLong(value.trim());
    }

    static ChaosRig.Settings settings() {
        return new ChaosRig.Settings(2, 250, 1000, 50, 2000, CHAN_SLOTS, BUFFER_BYTES, WINDOW,
                new Payloads(16, LARGE, 1024), 100, 2000, PROXIES, ACCEPT_PAUSE_MILLIS);
    }

    /**
     * What the process may grow by for its sessions: per pair both ends' session buffers, the four
     * channels full of the largest message, both ends' socket write high-water marks, and six
     * sockets (client, server, the proxy's two, and a blackholed link's two not yet timed out) at
     * the idle-connection bound.
     */
    static long boundKib() {
        long perPair = 2L * BUFFER_BYTES / 1024 + 4L * CHAN_SLOTS * LARGE / 1024 + 2 * HIGH_WATER_KIB + 6 * SOCKET_KIB;
        return SESSIONS * perPair;
    }

    void run(long seconds, LogCounts logs) throws Exception {
        ChaosRig.Settings settings = settings();
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<String> samples = new ArrayList<>();
        try (ChaosRig rig = new ChaosRig(settings, seed);
             Watchdog watchdog = Watchdog.after(TimeUnit.SECONDS.toNanos(seconds + 3 * DRAIN_SECONDS), rig)) {
            rig.proxies.forEach(p -> p.keepCarried(false)); // a list of every fault would be the soak's own leak
            ProcessMemory base = ProcessMemory.take();
            long fds0 = fds();
            List<EchoClient> live = new ArrayList<>();
            List<CompletableFuture<EchoClient>> closing = new ArrayList<>();
            int nextId = 0;
            for (; nextId < SESSIONS; nextId++) {
                live.add(rig.connect(nextId, true));
            }
            progress.line("soak: %d sessions connecting, %d s, seed %d", SESSIONS, seconds, seed);
            long started = System.nanoTime();
            long deadline = started + TimeUnit.SECONDS.toNanos(seconds);
            long nextChurn = started;
            long nextSample = started + TimeUnit.SECONDS.toNanos(SAMPLE_SECONDS);
            long maxGrowthKib = 0;
            long maxFds = fds0;
            long maxPending = 0;
            long maxHandshaking = 0;
            long cpu0 = RecoveryProbe.processCpuNanos();
            long ticks = 0;
            while (System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(TICK_MILLIS); // the pace of the clients: the workload itself
                for (EchoClient c : live) {
                    c.credit(RATE * TICK_MILLIS / 1000);
                }
                long now = System.nanoTime();
                while (now - nextChurn >= 0) {
                    EchoClient leaving = live.remove(random.nextInt(live.size()));
                    rig.acceptor.closing(leaving.id());
                    closing.add(leaving.closeByAgreement().thenCompose(v -> rig.acceptor.verifyClosed(leaving))
                            .thenApply(v -> leaving));
                    live.add(rig.connect(nextId++, true));
                    nextChurn += TimeUnit.MILLISECONDS.toNanos(CHURN_MILLIS);
                }
                reap(rig, closing);
                if (++ticks % 10 != 0) {
                    continue;
                }
                Stats s = rig.server.stats(); // once a second: it asks every network thread
                maxPending = Math.max(maxPending, s.pendingSessions());
                maxHandshaking = Math.max(maxHandshaking, s.handshaking());
                if (now - nextSample >= 0) {
                    nextSample += TimeUnit.SECONDS.toNanos(SAMPLE_SECONDS);
                    ProcessMemory m = ProcessMemory.take();
                    long growth = growthKib(base, m);
                    maxGrowthKib = Math.max(maxGrowthKib, growth);
                    long fds = fds();
                    maxFds = Math.max(maxFds, fds);
                    String sample = String.format(Locale.ROOT, "%ds: growth %,d KiB (RSS %,d KiB), %d fds, %,d sent, "
                                    + "%,d echoed, %d closed, %d closing, %,d cuts, %d resumed, %d lost",
                            (now - started) / 1_000_000_000L, growth, m.rssKib(), fds, rig.tally.sent.get(),
                            rig.tally.echoed.get(), rig.tally.closed.get(), closing.size(), rig.faults(),
                            s.sessionsResumed(), rig.tally.lost.get() + rig.tally.duplicated.get());
                    samples.add(sample);
                    progress.line("soak %s", sample);
                }
            }
            double elapsed = (System.nanoTime() - started) / 1e9;
            double cores = (RecoveryProbe.processCpuNanos() - cpu0) / 1e9 / elapsed;
            rig.faultsEnabled(false);
            long faults = rig.faults();
            long resets = rig.faults(Fault.RESET);
            progress.line("soak: faults off after %.0f s; draining, then closing every client by agreement", elapsed);
            long drainBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS);
            while (live.stream().anyMatch(c -> c.echoed() < c.sent()) && System.nanoTime() < drainBy) {
                TimeUnit.MILLISECONDS.sleep(100);
                reap(rig, closing);
            }
            ProcessMemory end = ProcessMemory.take();
            long endGrowth = growthKib(base, end);
            maxGrowthKib = Math.max(maxGrowthKib, endGrowth);
            Stats server = rig.server.stats();
            Stats client = rig.clientLoop.stats();
            int stillLive = live.size();
            for (EchoClient c : live) {
                rig.acceptor.closing(c.id());
                closing.add(c.closeByAgreement().thenCompose(v -> rig.acceptor.verifyClosed(c)).thenApply(v -> c));
            }
            long closeBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS);
            while (!closing.isEmpty() && System.nanoTime() < closeBy) {
                TimeUnit.MILLISECONDS.sleep(100);
                reap(rig, closing);
            }
            Tally t = rig.tally;
            if (!closing.isEmpty()) {
                t.violation(closing.size() + " clients had not closed " + DRAIN_SECONDS + " s after the faults stopped");
            }
            if (t.sent.get() != t.received.get() || t.sent.get() != t.echoed.get()) {
                t.violation("sent " + t.sent.get() + ", server took " + t.received.get() + ", echoed " + t.echoed.get());
            }
            long lost = t.lost.get() + Math.max(0, t.sent.get() - t.received.get());
            String line = String.format(Locale.ROOT, "%.0f s, %d sessions at a time, %d clients in all (%d closed by "
                            + "agreement); %,d messages sent, %,d taken by the server, %,d echoed; lost %d, duplicated "
                            + "%d, corrupt %d; sessions lost %d; %,d cuts (%,d resets); %,d :connected, %,d resumed on "
                            + "the server, %,d failed handshakes ('session handshake failed' lines %d), %d refused "
                            + "(peak %d pending, %d handshaking); cut → next message %s; :disconnected → next message "
                            + "%s; growth %,d KiB at most, %,d KiB after the faults (bound %,d KiB); fds %d → max %d; "
                            + "%.2f cores; INFO %d, WARN+ %d",
                    elapsed, SESSIONS, nextId, t.closed.get(), t.sent.get(), t.received.get(), t.echoed.get(), lost,
                    t.duplicated.get(), t.corrupt.get(), t.sessionsLost.get(), faults, resets, t.connected.get(),
                    server.sessionsResumed(), client.failedDials(), logs.phrase("session handshake failed"),
                    server.handshakesRefused() + server.sessionsRefused(), maxPending, maxHandshaking,
                    Recoveries.summary(rig.recoveries.all()), Recoveries.summary(rig.outages), maxGrowthKib, endGrowth,
                    boundKib(), fds0, maxFds, cores, logs.level("INFO"), logs.level("WARN") + logs.level("ERROR"));
            progress.line("soak: %s", line);
            report.context("soak", line);
            report.context("soak samples", String.join("; ", samples));
            report.context("soak settings", String.format(Locale.ROOT, "%d sessions, accept loop pausing %d ms after "
                            + "each new session, %d proxies, faults %d-%d ms after each link is up (reset or blackhole), "
                            + "churn 1 client closed and 1 new every %d ms, %d msg/s per client, window %d, 4 B-1 KiB "
                            + "messages, every 16th %d KiB; chans of %d; session buffer %d KiB; heartbeat %d/%d ms; "
                            + "reconnect %d ms doubling to %d, jitter 0.5; loops of %d threads; seed %d", SESSIONS,
                    ACCEPT_PAUSE_MILLIS, PROXIES, settings.faultMinMillis(), settings.faultMaxMillis(), CHURN_MILLIS,
                    RATE, WINDOW, LARGE / 1024, CHAN_SLOTS, BUFFER_BYTES / 1024, settings.heartbeatMillis(),
                    settings.heartbeatTimeoutMillis(), settings.reconnectMillis(), settings.reconnectMaxMillis(),
                    settings.loopThreads(), seed));
            if (!t.violations().isEmpty()) {
                report.context("soak violations", String.join("; ", t.violations()));
            }
            report.add("soak: messages echoed", t.echoed.get(), "msgs", "messages sent", t.sent.get(), ">= 1");
            report.add("soak: lost + duplicated + corrupt", lost + t.duplicated.get() + t.corrupt.get(), "msgs",
                    "messages sent", t.sent.get(), "< 1 msgs");
            report.add("soak: sessions lost", t.sessionsLost.get(), "sessions", "clients in all", nextId,
                    "< 1 sessions");
            report.add("soak: resumes (server)", server.sessionsResumed(), "", "cuts", faults, "");
            report.add("soak: cut → next message p99", rig.recoveries.all().getValueAtPercentile(99) / 1e3, "ms",
                    "p50", rig.recoveries.all().getValueAtPercentile(50) / 1e3, "");
            report.add("soak: :disconnected → next message p99", rig.outages.getValueAtPercentile(99) / 1e3, "ms",
                    "p50", rig.outages.getValueAtPercentile(50) / 1e3, "");
            report.add("soak: memory growth (RSS + heap), max", maxGrowthKib, "KiB", "bound from settings", boundKib(),
                    "<= 1.0");
            report.add("soak: file descriptors, max", maxFds, "fds", "before the clients", fds0, "");
            report.add("soak: clients left to close at the end", closing.size(), "clients",
                    "clients at the end", stillLive, "< 1 clients");
        }
    }

    /** Clients that have closed give their ports back; their server sessions were checked. */
    private static void reap(ChaosRig rig, List<CompletableFuture<EchoClient>> closing) {
        for (Iterator<CompletableFuture<EchoClient>> it = closing.iterator(); it.hasNext(); ) {
            CompletableFuture<EchoClient> f = it.next();
            if (f.isDone()) {
                it.remove();
                rig.release(f.join());
                rig.tally.closed.incrementAndGet();
            }
        }
    }

    /** RSS outside the pre-touched heap, plus the heap's growth after a collection. */
    private static long growthKib(ProcessMemory base, ProcessMemory now) {
        return now.rssKib() - base.rssKib() + (now.heapBytes() - base.heapBytes()) / 1024;
    }

    private static long fds() throws IOException {
        try (Stream<Path> list = Files.list(Path.of("/proc/self/fd"))) {
            return list.count();
        }
    }
}
