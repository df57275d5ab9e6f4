/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * One-way throughput of net.async alone, for {@code java/bin/bench-against}: the same bytecode run
 * against two builds of the library, in alternating JVMs, to measure what a change costs. Prints
 * one line per size, {@code one-way SIZE MEDIAN_MSG_PER_S}, after a warm-up.
 *
 * <pre>
 *   java -cp LIBRARY:BENCH:DEPS net.async.tcp.bench.OneWayProbe 128 1024
 * </pre>
 *
 * <h3>Threading</h3>
 * The main thread, and what {@link AsyncOneWay} starts and ends.
 */
public final class OneWayProbe {
    private static final long RUN_NANOS = TimeUnit.MILLISECONDS.toNanos(1000);
    private static final int ROUNDS = 5;

    private OneWayProbe() {
    }

    public static void main(String[] args) throws Exception {
        int[] sizes = args.length == 0 ? new int[] {128, 1024} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        for (int i = 0; i < 3; i++) {
            for (int size : sizes) {
                AsyncOneWay.run(size, 1024, Long.MAX_VALUE, RUN_NANOS / 2);
            }
        }
        double[][] rounds = new double[sizes.length][ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            for (int s = 0; s < sizes.length; s++) {
                rounds[s][round] = AsyncOneWay.run(sizes[s], 1024, 20_000_000, RUN_NANOS);
            }
        }
        for (int s = 0; s < sizes.length; s++) {
            System.out.printf("one-way %d %.0f%n", sizes[s], Figures.median(rounds[s]));
        }
        System.exit(0);
    }
}
