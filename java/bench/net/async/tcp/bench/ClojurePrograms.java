/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import clojure.java.api.Clojure;
import clojure.lang.AFunction;
import clojure.lang.IFn;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * The suite's "clojure programs" step (issue #13): the programs a new user writes in plain
 * Clojure on the public API ({@code clojure_programs.clj} beside this file), measured next to raw
 * Netty in the same JVM run.
 *
 * <pre>
 *  one-way 64 KiB, 1 MiB   a `thread` doing >!! into (chan 1024), acceptor reading (chan 1024);
 *                          at 1 MiB (chan 64) both, the same 64 MiB per channel
 *                          vs NettyOneWay; median of rounds of 1 s, the sides taking turns first
 *  request-reply 128 B     client >!! then <!!, echo thread <!! then >!!, default channels;
 *                          vs the raw-Netty blocking client on a raw-Netty echo server, and the
 *                          suite's Java harness (Latency.asyncBothEnds); 100,000 round trips each
 *                          after 10,000 of warm-up, 3 rounds (-Dbench.latency.rounds), the sides
 *                          taking turns first; beside each measurement the collector's pauses
 *                          and an idle thread's hiccups ({@link Hiccups}), the stalls no code avoids
 * </pre>
 *
 * <h3>Threading</h3>
 * {@link #run} blocks the suite's main thread; each workload starts and ends its own threads.
 */
final class ClojurePrograms {
    static final String NS = "net.async.tcp.bench.clojure-programs";
    private static final int[] SIZES = {64 * 1024, 1024 * 1024};
    private static final long RUN_MILLIS = 1000;
    private static final int WARMUP = 10_000;
    private static final int ROUND_TRIPS = 100_000;
    private static final long LATENCY_MAX_MILLIS = 60_000;

    private final Report report;
    private final Consumer<String> progress;
    private final int rounds;
    private final IFn oneWay;
    private final IFn requestReply;

    ClojurePrograms(Report report, Consumer<String> progress, int rounds) {
        this.report = report;
        this.progress = progress;
        this.rounds = rounds;
        Clojure.var("clojure.core", "require").invoke(Clojure.read(NS));
        oneWay = Clojure.var(NS, "one-way");
        requestReply = Clojure.var(NS, "request-reply");
    }

    void run() throws Exception {
        oneWay();
        requestReply();
    }

    /** Bytes per second of the Clojure program. */
    private double clojureOneWay(int size, long millis) {
        return ((Number) oneWay.invoke(size, slots(size), millis, count(size))).doubleValue();
    }

    /** 1024 slots, as the README advises; at 1 MiB 64, the same 64 MiB per channel (1024 would be 1 GiB). */
    static int slots(int size) {
        return size >= 1024 * 1024 ? 64 : 1024;
    }

    private static long count(int size) {
        return size >= 1024 * 1024 ? 20_000 : 200_000;
    }

    void oneWay() throws Exception {
        progress.accept("clojure programs: one-way warm-up");
        for (int i = 0; i < 2; i++) {
            for (int size : SIZES) {
                NettyOneWay.run(size, count(size), TimeUnit.MILLISECONDS.toNanos(RUN_MILLIS / 2));
                clojureOneWay(size, RUN_MILLIS / 2);
            }
        }
        for (int size : SIZES) {
            double[] program = new double[rounds];
            double[] netty = new double[rounds];
            double[] ratios = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < 2; i++) {
                    if ((round + i) % 2 == 0) {
                        netty[round] = NettyOneWay.run(size, count(size), TimeUnit.MILLISECONDS.toNanos(RUN_MILLIS))
                                * size;
                    } else {
                        program[round] = clojureOneWay(size, RUN_MILLIS);
                    }
                }
                ratios[round] = program[round] / netty[round];
                progress.accept(String.format(Locale.ROOT,
                        "clojure program one-way %s round %d/%d: %.2f GB/s, raw Netty %.2f GB/s (%.2f)",
                        Figures.label(size), round + 1, rounds, program[round] / 1e9, netty[round] / 1e9,
                        ratios[round]));
            }
            String name = "clojure program: one-way " + Figures.label(size);
            report.add(name + ", chan " + slots(size), Figures.median(program) / 1e6, "MB/s", "raw Netty " + Figures.label(size),
                    Figures.median(netty) / 1e6, ">= 0.6");
            report.context(name, String.format(Locale.ROOT,
                    "rounds %s GB/s; raw Netty %s GB/s; ratio per round %s", list(program, 1e9), list(netty, 1e9),
                    list(ratios, 1)));
        }
    }

    void requestReply() throws Exception {
        long max = TimeUnit.MILLISECONDS.toNanos(LATENCY_MAX_MILLIS);
        String[] sides = {"raw Netty", "Java harness", "Clojure program"};
        Result[][] results = new Result[sides.length][LATENCY_ROUNDS];
        for (int round = 0; round < LATENCY_ROUNDS; round++) {
            for (int k = 0; k < sides.length; k++) {
                int side = (round + k) % sides.length; // each side takes its turn going first
                results[side][round] = switch (side) {
                    case 0 -> {
                        try (RawNetty.EchoServer server = RawNetty.EchoServer.start();
                             Latency.Client client = Latency.nettyClient(server.port(), 128);
                             Watchdog watchdog = Watchdog.after(2 * max, client)) {
                            yield measureJava(client, max);
                        }
                    }
                    case 1 -> {
                        try (Latency.Client client = Latency.asyncBothEnds(128);
                             Watchdog watchdog = Watchdog.after(2 * max, client)) {
                            yield measureJava(client, max);
                        }
                    }
                    default -> measureClojure(128);
                };
                progress.accept(String.format(Locale.ROOT, "request-reply round %d/%d, %s: %s", round + 1,
                        LATENCY_ROUNDS, sides[side], results[side][round]));
            }
        }
        Result[] netty = results[0];
        Result[] harness = results[1];
        Result[] program = results[2];
        String name = "clojure program: request-reply 128 B";
        double[] percentiles = {50, 99, 99.9, 100};
        String[] targets = {"", "", "< 500 us", "< 5000 us"};
        for (int i = 0; i < percentiles.length; i++) {
            double p = percentiles[i];
            String what = name + (p == 100 ? " max" : " p" + (p == 50 ? "50" : p == 99 ? "99" : "99.9"));
            report.add(what, medianMicros(program, p), "us", "raw-Netty blocking client", medianMicros(netty, p),
                    targets[i]);
            report.add(what, medianMicros(program, p), "us", "Java harness, both ends", medianMicros(harness, p), "");
            report.context(what, String.format(Locale.ROOT, "rounds: program %s; raw Netty %s; Java harness %s µs",
                    list(program, p), list(netty, p), list(harness, p)));
        }
        report.add(name + " max", medianMicros(program, 100), "us", "an idle thread's longest hiccup, same window",
                median(program, r -> r.hiccups.maxMicros()), "");
        report.add(name + " GC pauses per 100,000", median(program, r -> r.gc.count()), "",
                "raw Netty, same", median(netty, r -> r.gc.count()), "");
        report.add(name + " GC pause max", median(program, r -> r.gc.maxMillis()), "ms", "raw Netty, same",
                median(netty, r -> r.gc.maxMillis()), "");
        report.add(name + " cold p99.9 (first 10,000)", median(program, r -> r.warmup.getValueAtPercentile(99.9) / 1e3),
                "us", "raw Netty, first 10,000", median(netty, r -> r.warmup.getValueAtPercentile(99.9) / 1e3), "");
        for (int side = 0; side < sides.length; side++) {
            report.context(name + ", " + sides[side], Arrays.toString(results[side]));
        }
    }

    private static final int LATENCY_ROUNDS = Integer.getInteger("bench.latency.rounds", 3);

    private static double medianMicros(Result[] rounds, double percentile) {
        return median(rounds, r -> r.micros(percentile));
    }

    private static double median(Result[] rounds, java.util.function.ToDoubleFunction<Result> figure) {
        return Figures.median(Arrays.stream(rounds).mapToDouble(figure).toArray());
    }

    private static String list(Result[] rounds, double percentile) {
        StringBuilder s = new StringBuilder();
        for (Result r : rounds) {
            s.append(s.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", r.micros(percentile)));
        }
        return s.toString();
    }

    /**
     * Latencies of the measured round trips and of the warm-up ones before them, and what happened
     * beside the measurement: the collector's pauses, an idle thread's hiccups.
     */
    record Result(Histogram histogram, Histogram warmup, GcPauses.Summary gc, Hiccups hiccups) {
        double micros(double percentile) {
            return (percentile == 100 ? histogram.getMaxValue() : histogram.getValueAtPercentile(percentile)) / 1e3;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "p50/p99/p99.9/max %.1f/%.1f/%.1f/%.1f us (n=%d; warm-up p99.9 %.1f, "
                            + "max %.1f us); %s; %s", micros(50), micros(99), micros(99.9), micros(100),
                    histogram.getTotalCount(), warmup.getValueAtPercentile(99.9) / 1e3, warmup.getMaxValue() / 1e3, gc,
                    hiccups);
        }
    }

    private static Result measureJava(Latency.Client client, long maxNanos) throws Exception {
        Histogram warmup = Latency.measure(List.of(client), 0, WARMUP, maxNanos)[0]; // the warm-up, timed too
        GcPauses gc = GcPauses.start();
        Hiccups hiccups = Hiccups.start();
        Histogram h;
        try {
            h = Latency.measure(List.of(client), 0, ROUND_TRIPS, maxNanos)[0];
        } finally {
            gc.close();
            hiccups.close();
        }
        return new Result(h, warmup, gc.summary(), hiccups);
    }

    private Result measureClojure(int size) {
        GcPauses[] gc = new GcPauses[1];
        Hiccups[] hiccups = new Hiccups[1];
        IFn onPhase = new AFunction() {
            @Override
            public Object invoke(Object phase) {
                if (phase.toString().equals(":measure")) {
                    gc[0] = GcPauses.start();
                    hiccups[0] = Hiccups.start();
                } else if (gc[0] != null) {
                    gc[0].close();
                    hiccups[0].close();
                }
                return null;
            }
        };
        long[] times = (long[]) requestReply.invoke(size, WARMUP, ROUND_TRIPS, LATENCY_MAX_MILLIS, onPhase);
        Histogram warmup = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        Histogram measured = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        for (int i = 0; i < times.length; i++) {
            (i < WARMUP ? warmup : measured).recordValue(Math.min(times[i], TimeUnit.SECONDS.toNanos(10)));
        }
        if (gc[0] == null) {
            throw new IllegalStateException("the Clojure program ended before its warm-up did: " + times.length);
        }
        return new Result(measured, warmup, gc[0].summary(), hiccups[0]);
    }

    /**
     * Request-reply alone, for looking into the tail with JVM flags of one's choosing:
     * {@code java -cp … net.async.tcp.bench.ClojurePrograms [warm-up [round trips [which…]]]},
     * which being {@code netty}, {@code harness}, {@code clojure} (default all three, in that order).
     * Prints each one's percentiles, GC pauses, bytes allocated per round trip (all threads), and
     * when its round trips over 1 ms came.
     */
    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : WARMUP;
        int count = args.length > 1 ? Integer.parseInt(args[1]) : ROUND_TRIPS;
        List<String> which = args.length > 2 ? List.of(args).subList(2, args.length)
                : List.of("netty", "harness", "clojure");
        long max = TimeUnit.MILLISECONDS.toNanos(LATENCY_MAX_MILLIS);
        Clojure.var("clojure.core", "require").invoke(Clojure.read(NS));
        IFn requestReply = Clojure.var(NS, "request-reply");
        for (String what : which) {
            String[] threadsAtEnd = new String[1];
            long[] allocatedAtEnd = new long[1];
            long allocated;
            long[] times;
            GcPauses gc;
            switch (what) {
                case "netty", "harness" -> {
                    RawNetty.EchoServer server = what.equals("netty") ? RawNetty.EchoServer.start() : null;
                    try (Latency.Client client = server != null ? Latency.nettyClient(server.port(), 128)
                            : Latency.asyncBothEnds(128)) {
                        times = new long[warmup + count];
                        for (int i = 0; i < warmup; i++) {
                            long t0 = System.nanoTime();
                            client.roundTrip(i);
                            times[i] = System.nanoTime() - t0;
                        }
                        gc = GcPauses.start();
                        allocated = allocatedBytes();
                        perThread(1);
                        for (int i = warmup; i < times.length; i++) {
                            long t0 = System.nanoTime();
                            client.roundTrip(i);
                            times[i] = System.nanoTime() - t0;
                        }
                        gc.close();
                        threadsAtEnd[0] = perThread(count);
                        allocatedAtEnd[0] = allocatedBytes();
                    } finally {
                        if (server != null) {
                            server.close();
                        }
                    }
                }
                case "clojure" -> {
                    GcPauses[] g = new GcPauses[1];
                    long[] at = new long[1];
                    times = (long[]) requestReply.invoke(128, warmup, count, LATENCY_MAX_MILLIS, new AFunction() {
                        @Override
                        public Object invoke(Object phase) {
                            if (phase.toString().equals(":measure")) {
                                g[0] = GcPauses.start();
                                at[0] = allocatedBytes();
                                perThread(1);
                            } else {
                                g[0].close();
                                threadsAtEnd[0] = perThread(count);
                                allocatedAtEnd[0] = allocatedBytes();
                            }
                            return null;
                        }
                    });
                    allocated = at[0];
                    gc = g[0];
                }
                default -> throw new IllegalArgumentException(what);
            }
            long perRoundTrip = (allocatedAtEnd[0] - allocated) / count;
            String perThread = threadsAtEnd[0];
            Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            StringBuilder slow = new StringBuilder();
            int[] perBlock = new int[(times.length + 9_999) / 10_000];
            for (int i = 0; i < times.length; i++) {
                if (i >= warmup) {
                    h.recordValue(Math.min(times[i], TimeUnit.SECONDS.toNanos(10)));
                }
                if (times[i] > 1_000_000) {
                    perBlock[i / 10_000]++;
                }
            }
            slow.append(" per 10,000 round trips (warm-up first) ").append(Arrays.toString(perBlock));
            System.out.printf(Locale.ROOT, "%-8s p50/p99/p99.9/max %.1f/%.1f/%.1f/%.1f us, n=%d after %d warm-up; "
                            + "%d B allocated per round trip (%s); %s%n  over 1 ms:%s%n", what,
                    h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
                    h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3, h.getTotalCount(), warmup,
                    perRoundTrip, perThread, gc.summary(), slow);
        }
        System.exit(0);
    }

    private static final java.util.Map<Long, Long> LAST = new java.util.HashMap<>();

    /** Bytes per round trip by thread since the last call (threads by name, numbers dropped). */
    private static String perThread(int count) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        java.util.Map<String, Long> byName = new java.util.TreeMap<>();
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long bytes = threads.getThreadAllocatedBytes(info.getThreadId());
            Long last = LAST.put(info.getThreadId(), bytes);
            long delta = (bytes - (last == null ? 0 : last)) / count;
            if (delta > 0) {
                byName.merge(info.getThreadName().replaceAll("-\\d+$", ""), delta, Long::sum);
            }
        }
        return byName.toString();
    }

    /** Bytes allocated so far by every live thread (HotSpot's per-thread counters). */
    private static long allocatedBytes() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long total = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            total += Math.max(0, bytes);
        }
        return total;
    }

    private static String list(double[] values, double divisor) {
        StringBuilder s = new StringBuilder();
        for (double v : values) {
            s.append(s.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", v / divisor));
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return s.append(String.format(Locale.ROOT, " (median %.2f, range %.2f-%.2f)", Figures.median(values) / divisor,
                sorted[0] / divisor, sorted[sorted.length - 1] / divisor)).toString();
    }
}
