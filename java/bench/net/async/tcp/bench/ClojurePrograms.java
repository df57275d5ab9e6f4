/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import clojure.java.api.Clojure;
import clojure.lang.AFunction;
import clojure.lang.IFn;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * The suite's "clojure programs" step (issues #13, #23): the programs a new user writes in plain
 * Clojure on the public API ({@code clojure_programs.clj} beside this file), measured next to raw
 * Netty in the same run.
 *
 * <pre>
 *  one-way 64 KiB, 1 MiB   a `thread` doing >!! into (chan 1024), acceptor reading (chan 1024);
 *                          at 1 MiB (chan 64) both, the same 64 MiB per channel
 *                          vs NettyOneWay; median of rounds of 1 s, the sides taking turns first;
 *                          in the suite's JVM
 *  request-reply 128 B     in a child JVM started with -Xmx2g and no other flag ({@link #main}):
 *                          client >!! then <!!, echo thread <!! then >!!, default channels, plain
 *                          mode and session mode, beside the raw-Netty blocking client on a
 *                          raw-Netty echo server (same 4-byte-length framing); each 100,000 round
 *                          trips after a 5 s warm-up on its own connection, 3 rounds, the sides
 *                          taking turns first; per side throughput, p50/p99/p99.9/max, the
 *                          collector's pauses and an idle thread's hiccups ({@link Hiccups}) in the
 *                          measured window, and the bytes allocated per round trip by thread group
 *                          ({@link Allocations}: event loops, user threads, the rest)
 * </pre>
 *
 * <h3>Threading</h3>
 * {@link #run} blocks the suite's main thread; each workload starts and ends its own threads, the
 * request-reply child its own JVM, whose stdout the main thread reads.
 */
final class ClojurePrograms {
    static final String NS = "net.async.tcp.bench.clojure-programs";
    private static final int[] SIZES = {64 * 1024, 1024 * 1024};
    private static final long RUN_MILLIS = 1000;
    private static final long WARMUP_MILLIS = 5000;
    private static final int ROUND_TRIPS = 100_000;
    private static final int SIZE = 128;
    private static final long LATENCY_MAX_MILLIS = 60_000;
    // as issue #23 has a user's program run: this heap, and no other JVM flag
    private static final List<String> CHILD_FLAGS = List.of("-Xmx2g");
    private static final String[] SIDES = {"raw Netty", "net.async plain", "net.async session"};

    private final Report report;
    private final Consumer<String> progress;
    private final int rounds;
    private final IFn oneWay;

    ClojurePrograms(Report report, Consumer<String> progress, int rounds) {
        this.report = report;
        this.progress = progress;
        this.rounds = rounds;
        Clojure.var("clojure.core", "require").invoke(Clojure.read(NS));
        oneWay = Clojure.var(NS, "one-way");
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
                    "rounds %s GB/s; raw Netty %s GB/s; ratio per round %s", Figures.rounds(program, 1e9), Figures.rounds(netty, 1e9),
                    Figures.rounds(ratios, 1)));
        }
    }

    /**
     * Request-reply in a JVM of its own, started as a user's program is, with {@code -Xmx2g} and
     * no other flag ({@link #main}): raw Netty, the Clojure program in plain mode and in session
     * mode, 3 rounds (-Dbench.latency.rounds), the sides taking turns going first.
     */
    void requestReply() throws Exception {
        Result[][] results = new Result[SIDES.length][LATENCY_ROUNDS];
        long boundNanos = TimeUnit.MILLISECONDS.toNanos(LATENCY_ROUNDS * SIDES.length * LATENCY_MAX_MILLIS + 60_000);
        progress.accept("clojure programs: request-reply in a child JVM (" + String.join(" ", CHILD_FLAGS) + "), "
                + LATENCY_ROUNDS + " rounds");
        Process child = ChildJvm.start(CHILD_FLAGS, ClojurePrograms.class, String.valueOf(LATENCY_ROUNDS));
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
             Watchdog watchdog = Watchdog.after(boundNanos, child::destroyForcibly)) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("result ")) {
                    Result r = Result.decode(line);
                    results[r.side()][r.round()] = r;
                    progress.accept(String.format(Locale.ROOT, "request-reply round %d/%d, %s: %s", r.round() + 1,
                            LATENCY_ROUNDS, SIDES[r.side()], r));
                }
            }
        } finally {
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        for (Result[] side : results) {
            for (Result r : side) {
                if (r == null) {
                    throw new IllegalStateException("the request-reply child JVM ended without all its results");
                }
            }
        }
        requestReplyRows(results[0], results[1], results[2]);
    }

    private void requestReplyRows(Result[] netty, Result[] plain, Result[] session) {
        String name = "clojure program: request-reply 128 B";
        String vsNetty = "raw-Netty blocking client";
        String vsPlain = "same, plain mode, same run";
        double[] percentiles = {50, 99, 99.9, 100};
        String[] nettyTargets = {"", "", "<= 1.2", "<= 1.5"};
        String[] plainTargets = {"", "", "<= 1.2", ""};
        for (int i = 0; i < percentiles.length; i++) {
            double p = percentiles[i];
            String what = name + (p == 100 ? " max" : " p" + (p == 50 ? "50" : p == 99 ? "99" : "99.9"));
            report.add(what, medianMicros(plain, p), "us", vsNetty, medianMicros(netty, p), nettyTargets[i]);
            report.add(what + ", session", medianMicros(session, p), "us", vsPlain, medianMicros(plain, p),
                    plainTargets[i]);
            report.context(what, "rounds, µs: plain " + Figures.rounds(micros(plain, p), 1) + "; session "
                    + Figures.rounds(micros(session, p), 1) + "; raw Netty " + Figures.rounds(micros(netty, p), 1));
        }
        report.add(name + " throughput", Figures.median(plain, Result::rate), "rt/s", vsNetty,
                Figures.median(netty, Result::rate), "");
        report.add(name + " throughput, session", Figures.median(session, Result::rate), "rt/s", vsPlain,
                Figures.median(plain, Result::rate), ">= 0.9");
        report.add(name + " max", medianMicros(plain, 100), "us", "an idle thread's longest hiccup, same window",
                Figures.median(plain, Result::hiccupMaxMicros), "");
        report.add(name + " GC pauses in window", Figures.median(plain, Result::gcCount), "", "raw Netty, same",
                Figures.median(netty, Result::gcCount), "");
        report.add(name + " GC pause max", Figures.median(plain, Result::gcMaxMillis), "ms", "raw Netty, same",
                Figures.median(netty, Result::gcMaxMillis), "");
        report.add(name + " GC pauses in window, session", Figures.median(session, Result::gcCount), "", vsPlain,
                Figures.median(plain, Result::gcCount), "");
        report.add(name + " GC pause max, session", Figures.median(session, Result::gcMaxMillis), "ms", vsPlain,
                Figures.median(plain, Result::gcMaxMillis), "");
        String[] groups = {"", ", loops", ", user threads", ", other threads"};
        for (int g = 0; g < groups.length; g++) {
            int group = g;
            String what = name + " allocated / round trip" + groups[g];
            report.add(what, Figures.median(plain, r -> r.allocated(group)), "B", vsNetty,
                    Figures.median(netty, r -> r.allocated(group)), "");
            report.add(what + ", session", Figures.median(session, r -> r.allocated(group)), "B", vsPlain,
                    Figures.median(plain, r -> r.allocated(group)), "");
        }
        for (int side = 0; side < SIDES.length; side++) {
            report.context(name + ", " + SIDES[side], Arrays.toString(new Result[][] {netty, plain, session}[side]));
        }
        progress.accept(String.format(Locale.ROOT, "request-reply, medians of %d rounds: net.async/raw p99.9 %.2f "
                        + "(target <= 1.2), max %.2f (<= 1.5); session/plain throughput %.2f (>= 0.9), p99.9 %.2f (<= 1.2)",
                LATENCY_ROUNDS, medianMicros(plain, 99.9) / medianMicros(netty, 99.9),
                medianMicros(plain, 100) / medianMicros(netty, 100),
                Figures.median(session, Result::rate) / Figures.median(plain, Result::rate),
                medianMicros(session, 99.9) / medianMicros(plain, 99.9)));
    }

    private static final int LATENCY_ROUNDS = Integer.getInteger("bench.latency.rounds", 3);

    private static double medianMicros(Result[] rounds, double percentile) {
        return Figures.median(rounds, r -> r.micros(percentile));
    }

    private static double[] micros(Result[] rounds, double percentile) {
        return Arrays.stream(rounds).mapToDouble(r -> r.micros(percentile)).toArray();
    }

    /**
     * One side's round: round trips per second over the measured window, its latencies in µs, the
     * collector's pauses and an idle thread's longest hiccup in the same window, and the bytes
     * allocated per round trip by thread group. A line of the child's stdout carries it.
     */
    record Result(int side, int round, long n, double rate, double p50, double p99, double p999, double max,
                  int gcCount, long gcTotalMillis, long gcMaxMillis, Allocations.Split allocation,
                  double hiccupMaxMicros) {
        double micros(double percentile) {
            return percentile == 50 ? p50 : percentile == 99 ? p99 : percentile == 99.9 ? p999 : max;
        }

        /** 0 all threads, 1 loops, 2 user threads, 3 the rest. */
        double allocated(int group) {
            return switch (group) {
                case 0 -> allocation.total();
                case 1 -> allocation.loops();
                case 2 -> allocation.user();
                default -> allocation.other();
            };
        }

        String encode() {
            return String.format(Locale.ROOT, "result %d %d %d %.1f %.2f %.2f %.2f %.2f %d %d %d %.1f %.1f %.1f %.1f %s",
                    side, round, n, rate, p50, p99, p999, max, gcCount, gcTotalMillis, gcMaxMillis,
                    allocation.loops(), allocation.user(), allocation.other(), hiccupMaxMicros, allocation.threads());
        }

        static Result decode(String line) {
            String[] f = line.split(" ");
            return new Result(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3]),
                    Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]),
                    Double.parseDouble(f[7]), Double.parseDouble(f[8]), Integer.parseInt(f[9]), Long.parseLong(f[10]),
                    Long.parseLong(f[11]), new Allocations.Split(Double.parseDouble(f[12]), Double.parseDouble(f[13]),
                    Double.parseDouble(f[14]), f[16]), Double.parseDouble(f[15]));
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,.0f rt/s, p50/p99/p99.9/max %.1f/%.1f/%.1f/%.1f us (n=%d); %d GC "
                            + "pauses, %d ms in all, longest %d ms; %s; idle thread's longest hiccup %.0f us", rate, p50,
                    p99, p999, max, n, gcCount, gcTotalMillis, gcMaxMillis, allocation, hiccupMaxMicros);
        }
    }

    /** The measured window: its time, the collector's pauses, an idle thread's hiccups, the allocation. */
    private static final class Window {
        private final GcPauses gc = GcPauses.start();
        private final Hiccups hiccups = Hiccups.start();
        private final Allocations allocations = Allocations.start();
        private final long start = System.nanoTime();
        private long nanos;

        /** Ends the window, while the run's threads still live. */
        void stop() {
            nanos = System.nanoTime() - start;
            allocations.stop();
            gc.close();
            hiccups.close();
        }

        /** The window's figures, {@code times} its round trips in ns; after {@link #stop}. */
        Result result(int side, int round, long[] times) {
            Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            for (long t : times) {
                h.recordValue(Math.min(t, TimeUnit.SECONDS.toNanos(10)));
            }
            double n = Math.max(1, times.length);
            GcPauses.Summary pauses = gc.summary();
            return new Result(side, round, times.length, times.length / (nanos / 1e9),
                    h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
                    h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3, pauses.count(), pauses.totalMillis(),
                    pauses.maxMillis(), allocations.perOp(n), hiccups.maxMicros());
        }
    }

    /**
     * The request-reply child JVM ({@link #requestReply}): {@code java -Xmx2g -cp … ClojurePrograms
     * ROUNDS}. Each side of each round after a {@value #WARMUP_MILLIS} ms warm-up on its own
     * connection, then {@value #ROUND_TRIPS} measured round trips of {@value #SIZE} B; prints a
     * {@code result …} line per side and round.
     */
    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        Clojure.var("clojure.core", "require").invoke(Clojure.read(NS));
        IFn requestReply = Clojure.var(NS, "request-reply");
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < SIDES.length; k++) {
                int side = (round + k) % SIDES.length; // each side takes its turn going first
                Result r = side == 0 ? measureNetty(round) : measureClojure(requestReply, side, round);
                System.out.println(r.encode());
                System.out.flush();
            }
        }
        System.exit(0);
    }

    private static Result measureNetty(int round) throws Exception {
        long max = TimeUnit.MILLISECONDS.toNanos(LATENCY_MAX_MILLIS);
        try (RawNetty.EchoServer server = RawNetty.EchoServer.start();
             Latency.Client client = Latency.nettyClient(server.port(), SIZE);
             Watchdog watchdog = Watchdog.after(max, client)) {
            int seq = 0;
            for (long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WARMUP_MILLIS); System.nanoTime() < until; ) {
                client.roundTrip(seq++);
            }
            long[] times = new long[ROUND_TRIPS];
            Window window = new Window();
            for (int i = 0; i < times.length; i++) {
                long t0 = System.nanoTime();
                client.roundTrip(seq++);
                times[i] = System.nanoTime() - t0;
            }
            window.stop();
            return window.result(0, round, times);
        }
    }

    private static Result measureClojure(IFn requestReply, int side, int round) {
        Window[] window = new Window[1];
        IFn onPhase = new AFunction() {
            @Override
            public Object invoke(Object phase) {
                if (phase.toString().equals(":measure")) {
                    window[0] = new Window();
                } else if (window[0] != null) {
                    window[0].stop(); // :done, before the program shuts its loops down
                }
                return null;
            }
        };
        long[] times = (long[]) requestReply.invoke(SIZE, WARMUP_MILLIS, ROUND_TRIPS, LATENCY_MAX_MILLIS, side == 2,
                onPhase);
        if (window[0] == null) {
            throw new IllegalStateException("the Clojure program ended before its warm-up did");
        }
        return window[0].result(side, round, times);
    }
}
