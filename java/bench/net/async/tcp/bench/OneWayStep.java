/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The suite's one-way step: throughput by message size for net.async (1024-slot and unbuffered
 * channels) beside raw Netty (the transport ceiling, {@link NettyOneWay}), a hand-rolled Netty
 * program doing the same work as net.async ({@link NettySameWork}, at 128 B, 1 KiB and 64 KiB) and
 * JeroMQ, one run of each side in each round; core.async's own
 * ceilings beside them (one hand-off at 128 B; at 1 KiB the two hand-offs every message makes,
 * through a relay that parks and one that never parks, with {@link CpuAccount}'s CPU per message);
 * and the throughput chart.
 *
 * <h3>Threading</h3>
 * The caller's thread; each run starts and ends its own threads.
 */
final class OneWayStep {
    private static final int[] SIZES = {16, 128, 1024, 65536};
    // the window of a 1 s one-way run whose CPU is counted (CpuAccount): after the start, before the end
    private static final long CPU_FROM_MILLIS = 250;
    private static final long CPU_TO_MILLIS = 850;

    private final Report report;
    private final Progress progress;
    private final int rounds;

    OneWayStep(Report report, Progress progress, int rounds) {
        this.report = report;
        this.progress = progress;
        this.rounds = rounds;
    }

    /** Runs the step: its rows go to the report, its chart to {@code out/throughput.png}. */
    void run(Path out) throws Exception {
        progress.line("warm-up");
        for (int i = 0; i < 2; i++) {
            NettyOneWay.run(128, Long.MAX_VALUE, Bench.RUN_NANOS / 2);
            AsyncOneWay.run(128, 1024, Long.MAX_VALUE, Bench.RUN_NANOS / 2);
            AsyncOneWay.run(128, 0, Long.MAX_VALUE, Bench.RUN_NANOS / 2);
        }
        // every size once on every side, so that no first round pays for compiling its paths
        for (int size : SIZES) {
            NettyOneWay.run(size, Long.MAX_VALUE, Bench.RUN_NANOS / 4);
            if (sameWork(size)) {
                NettySameWork.run(size, Long.MAX_VALUE, Bench.RUN_NANOS / 4);
            }
            AsyncOneWay.run(size, 1024, Long.MAX_VALUE, Bench.RUN_NANOS / 4);
            JeroMq.oneWay(size, Long.MAX_VALUE, Bench.RUN_NANOS / 4);
        }
        double[] unbufferedRounds = new double[rounds];
        double[] chan1024Rounds = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            unbufferedRounds[round] = Handoff.run(Async.chan(), 128, 20_000_000, Bench.RUN_NANOS);
            chan1024Rounds[round] = Handoff.run(Async.chan(1024), 128, 20_000_000, Bench.RUN_NANOS);
        }
        double handoffUnbuffered = Figures.median(unbufferedRounds);
        double handoff1024 = Figures.median(chan1024Rounds);
        progress.line("core.async handoff 128 B: unbuffered %,.0f msg/s, chan 1024 %,.0f msg/s", handoffUnbuffered, handoff1024);

        // raw Netty (the transport ceiling), chan 1024, unbuffered, JeroMQ, same-work Netty (NaN where not run)
        double[][][] rates = new double[5][SIZES.length][rounds];
        // at 1 KiB, where each run's CPU goes, and the core.async ceiling beside it
        CpuAccount[][] kib = new CpuAccount[5][rounds]; // raw Netty, chan 1024, parking relay, pump, one hand-off
        for (int round = 0; round < rounds; round++) {
            for (int s = 0; s < SIZES.length; s++) {
                int size = SIZES[s];
                long count = count(size);
                if (size == 1024) {
                    kib[0][round] = CpuAccount.of(() -> NettyOneWay.run(size, count, Bench.RUN_NANOS),
                            CPU_FROM_MILLIS, CPU_TO_MILLIS);
                    kib[1][round] = CpuAccount.of(() -> AsyncOneWay.run(size, 1024, count, Bench.RUN_NANOS),
                            CPU_FROM_MILLIS, CPU_TO_MILLIS);
                    kib[2][round] = CpuAccount.of(() -> Handoff.relay(1024, size, count, Bench.RUN_NANOS),
                            CPU_FROM_MILLIS, CPU_TO_MILLIS);
                    kib[3][round] = CpuAccount.of(() -> Handoff.pump(1024, size, count, Bench.RUN_NANOS),
                            CPU_FROM_MILLIS, CPU_TO_MILLIS);
                    kib[4][round] = CpuAccount.of(() -> Handoff.run(Async.chan(1024), size, count, Bench.RUN_NANOS),
                            CPU_FROM_MILLIS, CPU_TO_MILLIS);
                    rates[0][s][round] = kib[0][round].messagesPerSecond();
                    rates[1][s][round] = kib[1][round].messagesPerSecond();
                    progress.line("core.async 1 KiB round %d/%d: two hand-offs, relay parking %,.0f, relay never parking "
                            + "%,.0f; one hand-off %,.0f msg/s", round + 1, rounds, kib[2][round].messagesPerSecond(),
                            kib[3][round].messagesPerSecond(), kib[4][round].messagesPerSecond());
                } else {
                    rates[0][s][round] = NettyOneWay.run(size, count, Bench.RUN_NANOS);
                    rates[1][s][round] = AsyncOneWay.run(size, 1024, count, Bench.RUN_NANOS);
                }
                rates[2][s][round] = AsyncOneWay.run(size, 0, count, Bench.RUN_NANOS);
                rates[3][s][round] = JeroMq.oneWay(size, count, Bench.RUN_NANOS);
                rates[4][s][round] = sameWork(size) ? NettySameWork.run(size, count, Bench.RUN_NANOS) : Double.NaN;
                progress.line("one-way %s round %d/%d: raw Netty %,.0f, same-work Netty %s, chan 1024 %,.0f, "
                                + "unbuffered %,.0f, JeroMQ %,.0f msg/s", Figures.label(size), round + 1, rounds,
                        rates[0][s][round], Figures.number(rates[4][s][round]), rates[1][s][round], rates[2][s][round],
                        rates[3][s][round]);
            }
        }
        ceilingRows(kib);
        double[][] medians = new double[rates.length][SIZES.length];
        for (int side = 0; side < rates.length; side++) {
            for (int s = 0; s < SIZES.length; s++) {
                medians[side][s] = Figures.median(rates[side][s]);
            }
        }
        oneWayRows(medians, handoffUnbuffered, handoff1024);
        chart(out, medians);
    }

    /** The sizes issue #23 compares with the same-work reference ({@link NettySameWork}): 128 B, 1 KiB, 64 KiB. */
    private static boolean sameWork(int size) {
        return size >= 128;
    }

    /** How many messages a one-way run of {@code size} may carry in its second: more than it can. */
    static long count(int size) {
        return size >= 65536 ? 200_000 : 20_000_000;
    }

    private void oneWayRows(double[][] medians, double handoffUnbuffered, double handoff1024) {
        report.add("core.async handoff 128 B, (chan 1024)", handoff1024, "msg/s",
                "handoff 128 B, unbuffered (chan)", handoffUnbuffered, "");
        // 1 KiB: >= 0.65 of raw Netty, or >= 0.8 of the core.async ceiling (ceilingRows), issue #13
        String[] targets1024 = {"", ">= 0.65", "", ">= 0.6"};
        String[] targetsJeroMq = {"", "", "> 1", "> 1"}; // "ahead of JeroMQ"
        for (int s = 0; s < SIZES.length; s++) {
            String size = Figures.label(SIZES[s]);
            double mb = SIZES[s] / 1e6;
            report.add("one-way " + size + ", chan 1024", medians[1][s], "msg/s", "raw Netty " + size, medians[0][s],
                    targets1024[s]);
            report.add("one-way " + size + ", chan 1024", medians[1][s] * mb, "MB/s", "raw Netty " + size,
                    medians[0][s] * mb, "");
            report.add("one-way " + size + ", unbuffered", medians[2][s], "msg/s", "raw Netty " + size, medians[0][s], "");
            report.add("one-way " + size + ", chan 1024", medians[1][s], "msg/s", "JeroMQ PUSH/PULL " + size, medians[3][s],
                    targetsJeroMq[s]);
            if (sameWork(SIZES[s])) {
                // issue #23: at or above a hand-rolled Netty program doing the same work
                report.add("one-way " + size + ", chan 1024", medians[1][s], "msg/s", "same-work Netty " + size,
                        medians[4][s], ">= 1");
            }
        }
        StringBuilder ratios = new StringBuilder();
        for (int s = 0; s < SIZES.length; s++) {
            if (sameWork(SIZES[s])) {
                ratios.append(ratios.length() == 0 ? "" : "; ").append(String.format(Locale.ROOT,
                        "%s: ÷ same-work Netty %.2f, ÷ raw Netty (ceiling) %.2f", Figures.label(SIZES[s]),
                        medians[1][s] / medians[4][s], medians[1][s] / medians[0][s]));
            }
        }
        report.context("one-way chan 1024, medians (issue #23)", ratios.toString());
        progress.line("one-way chan 1024, medians: %s", ratios);
        report.add("one-way 128 B, unbuffered", medians[2][1], "msg/s", "core.async handoff, unbuffered",
                handoffUnbuffered, ">= 0.8");
        report.add("one-way 128 B, chan 1024", medians[1][1], "msg/s", "core.async handoff, chan 1024",
                handoff1024, "");
    }

    /**
     * 1 KiB against the bare core.async ceilings: two hand-offs through 1024-slot channels, the
     * path every net.async message takes without the network, with a relay thread that parks as
     * plain threads do and with one that never parks, as net.async's loops; and one hand-off.
     * Beside them, where each side's CPU went per message. Medians of the rounds.
     */
    private void ceilingRows(CpuAccount[][] kib) {
        StringBuilder perRound = new StringBuilder();
        for (int round = 0; round < rounds; round++) {
            perRound.append(perRound.length() == 0 ? "" : ", ").append(Figures.number(
                    kib[1][round].messagesPerSecond() / kib[3][round].messagesPerSecond()));
        }
        CpuAccount netty = CpuAccount.median(kib[0]);
        CpuAccount async = CpuAccount.median(kib[1]);
        CpuAccount parking = CpuAccount.median(kib[2]);
        CpuAccount pump = CpuAccount.median(kib[3]);
        CpuAccount one = CpuAccount.median(kib[4]);
        report.add("core.async 2 hand-offs 1 KiB, relay never parks", pump.messagesPerSecond(), "msg/s",
                "same, relay parks in <!! and >!!", parking.messagesPerSecond(), "");
        report.add("core.async 2 hand-offs 1 KiB, relay never parks", pump.messagesPerSecond(), "msg/s",
                "one hand-off 1 KiB, (chan 1024)", one.messagesPerSecond(), "");
        report.add("one-way 1 KiB, chan 1024", async.messagesPerSecond(), "msg/s", "core.async 2 hand-offs, never parks",
                pump.messagesPerSecond(), ">= 0.8");
        report.add("one-way 1 KiB, chan 1024", async.messagesPerSecond(), "msg/s", "core.async 2 hand-offs, parks",
                parking.messagesPerSecond(), "");
        report.add("one-way 1 KiB, chan 1024, CPU per message", async.totalMicros(), "us", "raw Netty 1 KiB",
                netty.totalMicros(), "");
        report.add("one-way 1 KiB, chan 1024, CPU per message", async.totalMicros(), "us",
                "core.async 2 hand-offs, never parks", pump.totalMicros(), "");
        report.context("one-way 1 KiB against the core.async ceiling", "ratio per round to 2 hand-offs, relay "
                + "never parking: " + perRound + "; CPU per message, medians: net.async " + async + "; raw Netty "
                + netty + "; 2 hand-offs, relay never parking " + pump + "; 2 hand-offs, relay parking " + parking
                + "; one hand-off " + one);
    }

    private void chart(Path out, double[][] medians) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        Map<String, List<Double>> series = new LinkedHashMap<>();
        String[] names = {"raw Netty", "net.async, chan 1024", "net.async, unbuffered", "JeroMQ PUSH/PULL"};
        for (int i = 0; i < names.length; i++) {
            List<Double> mbs = new ArrayList<>();
            for (int s = 0; s < SIZES.length; s++) {
                mbs.add(medians[i][s] * SIZES[s] / 1e6);
            }
            series.put(names[i], mbs);
        }
        for (int size : SIZES) {
            sizes.add(size);
        }
        ThroughputChart.write(out.resolve("throughput.png"), sizes, series,
                "median of " + rounds + " rounds, " + report.context().get("date").substring(0, 10));
    }
}
