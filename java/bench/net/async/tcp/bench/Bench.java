/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import io.netty.util.Version;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import net.async.tcp.impl.chan.Chans;
import org.HdrHistogram.Histogram;

/**
 * The benchmark suite of issue #4. Run it from a fresh clone with one command:
 *
 * <pre>
 *   java/bin/bench           # = ulimit -n as high as allowed; mvn -q -Pbench test-compile exec:exec
 * </pre>
 *
 * Every figure is measured next to its reference in the same JVM run and reported as a ratio, since
 * the machine is shared and absolute numbers are noisy. Output: a table on stdout,
 * {@code target/bench/results.json} and {@code target/bench/throughput.png}; a progress line per
 * step on stderr. Each step is bounded in count and in time; the whole suite takes about 9
 * minutes on the shared 2-core machine, about a minute of it compiling core.async in three JVMs,
 * 3 minutes the clojure programs step and 1.5 minutes the loaded connections one.
 *
 * <pre>
 *  one-way throughput  16 B · 128 B · 1 KiB · 64 KiB   net.async (chan 1024 / unbuffered) vs raw Netty (the
 *  ({@link OneWayStep})                                transport ceiling), same-work Netty ({@link NettySameWork},
 *                                                      128 B · 1 KiB · 64 KiB), JeroMQ
 *  core.async ceiling  two threads, >!!/<!!, 128 B      unbuffered and (chan 1024)
 *                      1 KiB: two hand-offs through a     with CPU per message by thread group
 *                      relay that parks / never parks
 *  session mode        one-way 128 B · 64 KiB;          net.async session mode vs plain mode, both ends
 *                      request-reply 128 B              (chan 1024 one way, default channels request-reply)
 *  event-loop threads  16 · 64 conns × 128 B · 1 KiB,   net.async vs raw Netty with as many threads;
 *                      loops of 1, 2 (4, 8) threads     scaling from each thread count to the next
 *  request-reply       128 B, p50/p99/p99.9             net.async client vs raw-Netty blocking client, JeroMQ
 *  clojure programs    plain Clojure on the public API:  vs raw Netty in the same run; request-reply in a
 *                      one-way 64 KiB · 1 MiB,           child JVM at -Xmx2g and no other flag, plain and
 *                      request-reply 128 B × 100,000     session mode, after a 5 s warm-up, 3 rounds; GC
 *                                                        pauses, hiccups and allocation per round trip by
 *                                                        thread group beside each measurement
 *  connections         10,000 × one echo, loops of 1    net.async server vs raw-Netty server
 *                      and 2 threads
 *  loaded connections  100 × 64 KiB · 1 KiB, stalled    RSS + heap per connection vs the bound its
 *                      readers, full write-chans        settings and buffers give
 *  reconnect           server restart → first echo     net.async vs raw-Netty redialing client
 * </pre>
 *
 * {@code -Dbench.only=sessions} runs the session-mode step alone (about 45 s, 10-15 s of it
 * compiling core.async) and writes {@code results-sessions.json} instead:
 *
 * <pre>
 *   mvn -q -Pbench test-compile exec:exec -Dbench.only=sessions
 * </pre>
 *
 * {@code -Dbench.only=threads} runs the event-loop threads step alone ({@link ThreadScaling}, about
 * 45 s, 10-15 s of it compiling core.async) and writes {@code results-threads.json}.
 *
 * {@code -Dbench.only=oneway} runs the one-way step alone (about 2 min) and writes
 * {@code results-oneway.json}.
 *
 * {@code -Dbench.only=memory} runs the connections step and the loaded-connections one
 * ({@link LoadedMemory}, about 1.5 min) and writes {@code results-memory.json}.
 *
 * {@code -Dbench.only=clojure} runs the clojure programs step alone ({@link ClojurePrograms},
 * {@code clojure_programs.clj}: the programs a new user writes, beside raw Netty; about 3 min)
 * and writes {@code results-clojure.json}.
 *
 * {@code -Dbench.only=recovery} runs the recovery probe ({@link RecoveryProbe}, issue 19 part 4):
 * 4, 12 and 100 session pairs through a proxy that resets or blackholes every link 5-80 ms after
 * it comes up; per cut the time to the next delivered message (p50/p99/max, by kind of fault),
 * messages per second per pair, handshakes, resumes, failed handshakes and their log lines, and
 * every message checked once and in order. About 30 s of faults per N plus a drain, 3 minutes in
 * all; {@code -Drecovery.sessions=4,12} and {@code -Drecovery.seconds=5} make it quick. Writes
 * {@code results-recovery.json}.
 *
 * {@code -Dbench.only=soak} runs the soak ({@link Soak}, issue 19 part 5): 1,000 sessions on one
 * server with a slow accept loop, every link reset or blackholed at random, clients closing by
 * agreement and new ones arriving throughout; 10 minutes, {@code -Dsoak.seconds=60} for a quick
 * run. Writes {@code results-soak.json}.
 *
 * Neither is part of the whole suite: the recovery probe would add 3 minutes to its 7, the soak 10.
 *
 * Steps that need a JVM of their own (the connections server, each loaded-connections case, the
 * clojure programs' request-reply) start it with {@link ChildJvm}, with exactly the JVM flags they
 * name; every median is {@link Figures#median}.
 *
 * <h3>Threading</h3>
 * The main thread runs the steps one after another; each step starts and ends its own threads.
 */
public final class Bench {
    private static final int[] SESSION_SIZES = {128, 65536};
    static final long RUN_NANOS = TimeUnit.MILLISECONDS.toNanos(1000);
    // the median of an odd number of interleaved rounds: one lucky or unlucky second moves nothing
    private static final int ROUNDS = 5;
    private static final int LATENCY_WARMUP = 10_000;
    private static final int LATENCY_COUNT = 30_000;
    private static final int CONNECTIONS = 10_000;
    private static final int RECONNECT_CYCLES = 10;

    private final Report report = new Report();
    private final long started = System.nanoTime();
    private int step;

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/bench");
        String only = System.getProperty("bench.only", "");
        if (only.equals("recovery") || only.equals("soak")) {
            LogCounts.info(); // before the first net.async logger: their INFO lines are counted
        }
        Bench bench = new Bench();
        switch (only) {
            case "" -> bench.run(out);
            case "sessions" -> bench.runSessions(out);
            case "threads" -> bench.runThreads(out);
            case "clojure" -> bench.runClojure(out);
            case "oneway" -> bench.runOneWay(out);
            case "memory" -> bench.runMemory(out);
            case "recovery" -> bench.runRecovery(out);
            case "soak" -> bench.runSoak(out);
            default -> throw new IllegalArgumentException("-Dbench.only=" + only
                    + ": only 'oneway', 'sessions', 'threads', 'clojure', 'memory', 'recovery' and 'soak' are known;"
                    + " leave it out for the whole suite");
        }
        System.exit(0);
    }

    private void run(Path out) throws Exception {
        start();
        new OneWayStep(report, this::progress, ROUNDS).run(out);
        sessions();
        new ThreadScaling(report, this::progress, ROUNDS).run();
        progress("request-reply latency");
        latency();
        clojurePrograms();
        progress("connections");
        connections();
        loadedMemory();
        progress("reconnect");
        reconnect();

        finish(out.resolve("results.json"));
        progress("wrote %s and %s", out.resolve("results.json"), out.resolve("throughput.png"));
    }

    /** {@code -Dbench.only=oneway}: the one-way step alone, with its core.async ceilings. */
    private void runOneWay(Path out) throws Exception {
        start();
        new OneWayStep(report, this::progress, ROUNDS).run(out);
        finish(out.resolve("results-oneway.json"));
        progress("wrote %s and %s", out.resolve("results-oneway.json"), out.resolve("throughput.png"));
    }

    /** {@code -Dbench.only=sessions}: the session-mode step alone, for quick measurements while working on it. */
    private void runSessions(Path out) throws Exception {
        start();
        sessions();
        finish(out.resolve("results-sessions.json"));
        progress("wrote %s", out.resolve("results-sessions.json"));
    }

    /** {@code -Dbench.only=recovery}: {@link RecoveryProbe}, recovery from cuts at 4, 12 and 100 sessions. */
    private void runRecovery(Path out) throws Exception {
        start();
        try (LogCounts logs = LogCounts.watch()) {
            new RecoveryProbe(report, this::progress).run(RecoveryProbe.sessionsFromProperty(),
                    RecoveryProbe.secondsFromProperty(), logs);
        }
        finish(out.resolve("results-recovery.json"));
        progress("wrote %s", out.resolve("results-recovery.json"));
    }

    /** {@code -Dbench.only=soak}: {@link Soak}, 1,000 sessions under faults and churn. */
    private void runSoak(Path out) throws Exception {
        start();
        try (LogCounts logs = LogCounts.watch()) {
            new Soak(report, this::progress).run(Soak.secondsFromProperty(), logs);
        }
        finish(out.resolve("results-soak.json"));
        progress("wrote %s", out.resolve("results-soak.json"));
    }

    /** {@code -Dbench.only=threads}: the event-loop threads step alone. */
    private void runThreads(Path out) throws Exception {
        start();
        new ThreadScaling(report, this::progress, ROUNDS).run();
        finish(out.resolve("results-threads.json"));
        progress("wrote %s", out.resolve("results-threads.json"));
    }

    /** {@code -Dbench.only=clojure}: the clojure programs step alone. */
    private void runClojure(Path out) throws Exception {
        start();
        clojurePrograms();
        finish(out.resolve("results-clojure.json"));
        progress("wrote %s", out.resolve("results-clojure.json"));
    }

    /** The programs a new user writes in plain Clojure, beside raw Netty: {@link ClojurePrograms}. */
    private void clojurePrograms() throws Exception {
        progress("clojure programs: loading %s", ClojurePrograms.NS);
        new ClojurePrograms(report, line -> progress("%s", line), ROUNDS).run();
    }

    private void start() {
        report.context("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        report.context("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name")
                + " " + System.getProperty("os.arch") + ", shared with other builds");
        report.context("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        report.context("netty", Version.identify().get("netty-common").artifactVersion()
                + (RawNetty.EPOLL ? " (epoll)" : " (nio)"));
        progress("loading core.async (compiled from source at first use)");
        Async.chan();
        Chans.chan();
    }

    private void finish(Path json) throws Exception {
        report.context("suite seconds", String.format("%.0f", (System.nanoTime() - started) / 1e9));
        System.out.print(report.table());
        report.writeJson(json);
    }

    /**
     * Session mode beside plain mode, net.async at both ends: one-way with 1024-slot channels, then
     * request-reply with default channels. Its own warm-up covers both modes, so that it also
     * stands alone.
     */
    private void sessions() throws Exception {
        progress("session mode: warm-up");
        for (int i = 0; i < 2; i++) {
            AsyncOneWay.run(128, 1024, Long.MAX_VALUE, RUN_NANOS / 2, false);
            AsyncOneWay.run(128, 1024, Long.MAX_VALUE, RUN_NANOS / 2, true);
        }
        for (int size : SESSION_SIZES) {
            AsyncOneWay.run(size, 1024, Long.MAX_VALUE, RUN_NANOS / 4, false);
            AsyncOneWay.run(size, 1024, Long.MAX_VALUE, RUN_NANOS / 4, true);
        }
        double[][][] rounds = new double[2][SESSION_SIZES.length][ROUNDS]; // plain, session
        for (int round = 0; round < ROUNDS; round++) {
            for (int s = 0; s < SESSION_SIZES.length; s++) {
                int size = SESSION_SIZES[s];
                // the modes take turns going first: the second run of a pair inherits the first one's garbage
                for (int i = 0; i < 2; i++) {
                    int mode = (round + i) % 2;
                    rounds[mode][s][round] = AsyncOneWay.run(size, 1024, OneWayStep.count(size), RUN_NANOS, mode == 1);
                }
                progress("session mode, one-way %s round %d/%d: plain %,.0f, session %,.0f msg/s (%.2f)",
                        Figures.label(size), round + 1, ROUNDS, rounds[0][s][round], rounds[1][s][round],
                        rounds[1][s][round] / rounds[0][s][round]);
            }
        }
        for (int s = 0; s < SESSION_SIZES.length; s++) {
            report.add("one-way " + Figures.label(SESSION_SIZES[s]) + ", chan 1024, session", Figures.median(rounds[1][s]), "msg/s",
                    "same, plain mode, same run", Figures.median(rounds[0][s]), ">= 0.9");
        }
        sessionLatency();
    }

    private void sessionLatency() throws Exception {
        progress("session mode: request-reply latency");
        long max = TimeUnit.SECONDS.toNanos(20);
        Histogram plain;
        Histogram session;
        try (Latency.Client plainClient = Latency.asyncBothEnds(128, false);
             Latency.Client sessionClient = Latency.asyncBothEnds(128, true);
             Watchdog watchdog = Watchdog.after(max, plainClient, sessionClient)) {
            Histogram[] h = Latency.measure(List.of(plainClient, sessionClient), LATENCY_WARMUP, LATENCY_COUNT, max);
            plain = h[0];
            session = h[1];
        }
        progress("session mode, request-reply p50/p99/p99.9: plain %.1f/%.1f/%.1f us, session %.1f/%.1f/%.1f us (n=%d)",
                plain.getValueAtPercentile(50) / 1e3, plain.getValueAtPercentile(99) / 1e3,
                plain.getValueAtPercentile(99.9) / 1e3, session.getValueAtPercentile(50) / 1e3,
                session.getValueAtPercentile(99) / 1e3, session.getValueAtPercentile(99.9) / 1e3,
                session.getTotalCount());
        double[] percentiles = {50, 99, 99.9};
        for (double p : percentiles) {
            String name = "request-reply 128 B p" + (p == 50 ? "50" : p == 99 ? "99" : "99.9") + ", both ends, session";
            report.add(name, session.getValueAtPercentile(p) / 1e3, "us", "same, plain mode, same run",
                    plain.getValueAtPercentile(p) / 1e3, p == 99.9 ? "< 1000 us" : "");
        }
    }

    private void latency() throws Exception {
        long max = TimeUnit.SECONDS.toNanos(20);
        Histogram netty;
        Histogram async;
        Histogram both;
        Histogram jeroMq;
        try (RawNetty.EchoServer server = RawNetty.EchoServer.start();
             Latency.Client nettyClient = Latency.nettyClient(server.port(), 128);
             Latency.Client asyncClient = Latency.asyncClient(server.port(), 128);
             Latency.Client bothEnds = Latency.asyncBothEnds(128);
             Latency.Client jeroMqClient = JeroMq.latencyClient(128);
             Watchdog watchdog = Watchdog.after(max, nettyClient, asyncClient, bothEnds, jeroMqClient)) {
            Histogram[] h = Latency.measure(List.of(nettyClient, asyncClient, bothEnds, jeroMqClient), LATENCY_WARMUP,
                    LATENCY_COUNT, max);
            netty = h[0];
            async = h[1];
            both = h[2];
            jeroMq = h[3];
        }
        progress("request-reply p50: raw Netty %.1f us, net.async client %.1f us, net.async both ends %.1f us, "
                        + "JeroMQ %.1f us (n=%d)", netty.getValueAtPercentile(50) / 1e3,
                async.getValueAtPercentile(50) / 1e3, both.getValueAtPercentile(50) / 1e3,
                jeroMq.getValueAtPercentile(50) / 1e3, async.getTotalCount());
        String[] targets = {"<= 1.3", "", ""};
        double[] percentiles = {50, 99, 99.9};
        for (int i = 0; i < percentiles.length; i++) {
            double p = percentiles[i];
            String name = "request-reply 128 B p" + (p == 50 ? "50" : p == 99 ? "99" : "99.9");
            report.add(name + ", client", async.getValueAtPercentile(p) / 1e3, "us", "raw-Netty blocking client",
                    netty.getValueAtPercentile(p) / 1e3, i == 2 ? "< 1000 us" : targets[i]);
            report.add(name + ", both ends", both.getValueAtPercentile(p) / 1e3, "us", "raw-Netty blocking client",
                    netty.getValueAtPercentile(p) / 1e3, "");
            report.add(name + ", both ends", both.getValueAtPercentile(p) / 1e3, "us", "JeroMQ REQ/REP",
                    jeroMq.getValueAtPercentile(p) / 1e3, "");
        }
    }

    private void connections() throws Exception {
        int n = ManyConnections.maxConnections(CONNECTIONS);
        long max = TimeUnit.SECONDS.toNanos(30);
        for (int threads : new int[] {1, 2}) {
            ManyConnections.Result netty = ManyConnections.run("netty", threads, n, max);
            progress("%,d connections, %d-thread raw-Netty server: all echoed in %.0f ms", n, threads,
                    netty.echoedMillis());
            ManyConnections.Result async = ManyConnections.run("async", threads, n, max);
            progress("%,d connections, %d-thread net.async server: %,d echoed in %.0f ms", n, threads, async.echoed(),
                    async.echoedMillis());
            String what = String.format("%,d connections", n) + (threads == 1 ? "" : ", " + threads + " threads");
            String reference = "raw-Netty server" + (threads == 1 ? "" : ", " + threads + " threads");
            report.add(what + ": all connected", async.connectedMillis(), "ms", reference, netty.connectedMillis(), "");
            report.add(what + ": all echoed", async.echoedMillis(), "ms", reference, netty.echoedMillis(),
                    "< 10000 ms");
            // the server JVM's heap is fixed and pre-touched: VmRSS grows only outside it, the heap is measured after GC
            report.add(what + ": VmRSS outside heap / conn", async.rssKibPerConnection(), "KiB", reference,
                    netty.rssKibPerConnection(), "");
            report.add(what + ": live heap / conn", async.heapKibPerConnection(), "KiB", reference,
                    netty.heapKibPerConnection(), "");
            report.add(what + ": memory per idle conn", async.rssKibPerConnection() + async.heapKibPerConnection(),
                    "KiB", reference, netty.rssKibPerConnection() + netty.heapKibPerConnection(), "< 20 KiB");
        }
    }

    /** {@code -Dbench.only=memory}: what idle and loaded connections hold, the connections step and {@link LoadedMemory}. */
    private void runMemory(Path out) throws Exception {
        start();
        connections();
        loadedMemory();
        finish(out.resolve("results-memory.json"));
        progress("wrote %s", out.resolve("results-memory.json"));
    }

    /**
     * What a connection under load holds: {@link LoadedMemory}'s cases, each in a JVM of its own, the
     * process's growth (RSS outside the heap plus heap) per connection against the bound its
     * settings give, with the library's own bounded buffers (outbox batch, messages not yet
     * written, the read in progress) counted in.
     */
    private void loadedMemory() throws Exception {
        progress("loaded connections: stalled readers, full write-chans, a JVM per case");
        for (LoadedMemory.Result r : LoadedMemory.run(LoadedMemory.DEFAULT_CONNECTIONS, LoadedMemory.DEFAULT_SIZES)) {
            progress("%s", r.line());
            String what = String.format(Locale.ROOT, "loaded: %d conns × %s, %s chans: RSS+heap / conn", r.connections(),
                    Figures.label(r.size()), r.slots() == 0 ? "default" : r.slots() + "-slot");
            report.add(what, r.rssKib() + r.heapKib(), "KiB", "bound from settings and buffers", r.boundExtrasKib(),
                    "<= 1.1");
            report.context(what, r.line());
        }
    }

    private void reconnect() throws Exception {
        double netty = Reconnect.netty(RECONNECT_CYCLES);
        double async = Reconnect.async(RECONNECT_CYCLES, TimeUnit.SECONDS.toNanos(20));
        report.add("reconnect after server restart (period " + Reconnect.PERIOD_MILLIS + " ms)", async, "ms",
                "raw-Netty redialing client", netty, "");
        progress("reconnect: raw Netty %.1f ms, net.async %.1f ms", netty, async);
    }

    private void progress(String format, Object... args) {
        System.err.printf("[bench %3ds] step %2d: %s%n", (System.nanoTime() - started) / 1_000_000_000,
                ++step, String.format(format, args));
    }
}
