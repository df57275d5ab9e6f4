/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The event-loop threads step: 16 and 64 connections streaming at once into one server, 128 B and
 * 1 KiB, with loops of 1 and 2 threads (and 4 and 8 where the machine has that many cores),
 * net.async ({@link AsyncStreams}) next to raw Netty with the same thread counts
 * ({@link NettyStreams}). Rows: each case against raw Netty, and the scaling from each thread count
 * to the next, for both sides.
 *
 * <p>Each run counts over a 200 ms window after a 100 ms ramp and, where buffers are still filling
 * (64 connections at 1 KiB hold 128 MiB in their chans), until what is in flight stops growing
 * ({@link StreamRate}); every case of a round runs before the next round, and the rows take the
 * median.
 *
 * <h3>Threading</h3>
 * The caller's thread; each run starts and ends its own threads.
 */
final class ThreadScaling {
    private static final int[] CONNECTIONS = {16, 64};
    private static final int[] SIZES = {128, 1024};
    // the streams flow for RAMP before the WINDOW the rate is counted over (see StreamRate)
    private static final long RAMP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long COUNT = 20_000_000; // in all, over every connection

    private record Case(int connections, int size, int threads) {
    }

    private final Report report;
    private final Progress progress;
    private final int rounds;
    private final List<Integer> threadCounts = new ArrayList<>();
    // per case: [0] raw Netty, [1] net.async, one rate per round
    private final Map<Case, double[][]> rates = new HashMap<>();

    ThreadScaling(Report report, Progress progress, int rounds) {
        this.report = report;
        this.progress = progress;
        this.rounds = rounds;
        int cores = Runtime.getRuntime().availableProcessors();
        for (int threads = 1; threads <= 8; threads *= 2) {
            if (threads <= Math.max(2, cores)) { // 1 and 2 always; 4 and 8 only with the cores to run them
                threadCounts.add(threads);
            }
        }
    }

    void run() throws Exception {
        progress.line("event-loop threads %s on %d cores: warm-up", threadCounts,
                Runtime.getRuntime().availableProcessors());
        // the many-chan paths (offer!, poll!, alts!!) at every size and thread count; the JIT is
        // not done with them after this when the step runs alone, but the median absorbs round 1
        for (int size : SIZES) {
            for (int threads : threadCounts) {
                NettyStreams.run(threads, 64, size, COUNT, RAMP_NANOS, WINDOW_NANOS);
                AsyncStreams.run(threads, 64, size, COUNT, RAMP_NANOS, WINDOW_NANOS);
            }
        }
        for (int round = 0; round < rounds; round++) {
            for (int connections : CONNECTIONS) {
                for (int size : SIZES) {
                    StringBuilder line = new StringBuilder();
                    for (int threads : threadCounts) {
                        Case c = new Case(connections, size, threads);
                        double[][] r = rates.computeIfAbsent(c, k -> new double[2][rounds]);
                        // the sides take turns going first: the second of a pair inherits the first one's garbage
                        for (int i = 0; i < 2; i++) {
                            int side = (round + i) % 2;
                            StreamRate rate = side == 0
                                    ? NettyStreams.run(threads, connections, size, COUNT, RAMP_NANOS, WINDOW_NANOS)
                                    : AsyncStreams.run(threads, connections, size, COUNT, RAMP_NANOS, WINDOW_NANOS);
                            r[side][round] = rate.messagesPerSecond();
                            if (round == rounds - 1) { // where the work went, once per case
                                progress.line("  %s, %s, settled %d ms after the ramp, threads (%% of a core): %s",
                                        label(c), side == 0 ? "raw Netty" : "net.async", rate.settleMillis(),
                                        rate.spread());
                            }
                        }
                        line.append(String.format("; %d thr: net.async %,.0f, raw Netty %,.0f", threads,
                                r[1][round], r[0][round]));
                    }
                    progress.line("threads, %d conns %s round %d/%d%s msg/s", connections, Figures.label(size),
                            round + 1, rounds, line);
                }
            }
        }
        rows();
    }

    private void rows() {
        for (int connections : CONNECTIONS) {
            for (int size : SIZES) {
                double mb = size / 1e6;
                for (int threads : threadCounts) {
                    Case c = new Case(connections, size, threads);
                    double async = median(c, 1);
                    double netty = median(c, 0);
                    String reference = "raw Netty, " + threads + (threads == 1 ? " thread" : " threads");
                    report.add("one-way " + label(c), async, "msg/s", reference, netty, "");
                    report.add("one-way " + label(c), async * mb, "MB/s", reference, netty * mb, "");
                }
                // scaling: each thread count against the one before, so the ratio is what the added threads bought
                for (int t = 1; t < threadCounts.size(); t++) {
                    Case c = new Case(connections, size, threadCounts.get(t));
                    Case before = new Case(connections, size, threadCounts.get(t - 1));
                    String reference = "same, " + before.threads() + (before.threads() == 1 ? " thread" : " threads");
                    report.add("scaling: one-way " + label(c), median(c, 1), "msg/s", reference, median(before, 1), "");
                    report.add("scaling, raw Netty: " + label(c), median(c, 0), "msg/s", reference, median(before, 0),
                            "");
                }
            }
        }
    }

    private double median(Case c, int side) {
        return Figures.median(rates.get(c)[side]);
    }

    private static String label(Case c) {
        return c.connections() + " conns, " + c.threads() + (c.threads() == 1 ? " thread, " : " threads, ")
                + Figures.label(c.size());
    }
}
