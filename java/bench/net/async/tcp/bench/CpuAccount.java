/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Where a one-way run's CPU went, per message: the CPU time of every thread of the process (read
 * from {@code /proc/self/task}, so collector and compiler threads count too) over the run, in
 * four groups, divided by the messages the run carried.
 *
 * <pre>
 *   user threads   the writer and the reader (and a relay), named bench-* or main, and core.async's `thread`s
 *   loops          net.async's and raw Netty's event loops: net-async-tcp-*, bench-netty-*
 *   JVM            everything else: GC, JIT, core.async's dispatch pool, timers
 *   total          the sum; on two cores a run can carry at most 2 s of it a second
 * </pre>
 *
 * The figures are in microseconds of CPU per message; ticks are 10 ms, so the window needs half a
 * second or more for them to mean anything.
 *
 * <h3>Threading</h3>
 * Immutable; {@link #of} samples on the caller's thread while the run goes on a thread of its own.
 */
record CpuAccount(double messagesPerSecond, double userMicros, double loopMicros, double jvmMicros) {
    private static final Path TASKS = Path.of("/proc/self/task");

    /** A one-way run: messages per second. */
    interface Run {
        double messagesPerSecond() throws Exception;
    }

    /**
     * Runs {@code run} on a thread of its own (named bench-run: a user thread) and samples every
     * thread's CPU over a window inside it, from {@code fromMillis} to {@code toMillis} after it
     * started: the run's loops and writer end with it, and a dead thread's time can no longer be
     * read. The run must last past {@code toMillis}; its rate stands for the window's.
     */
    static CpuAccount of(Run run, long fromMillis, long toMillis) throws Exception {
        CompletableFuture<Double> rate = new CompletableFuture<>();
        Thread runner = new Thread(() -> {
            try {
                rate.complete(run.messagesPerSecond());
            } catch (Exception | Error e) {
                rate.completeExceptionally(e);
            }
        }, "bench-run");
        runner.setDaemon(true);
        long start = System.nanoTime();
        runner.start();
        // fixed points in the run, not a synchronisation: the window lies inside it
        TimeUnit.NANOSECONDS.sleep(start + TimeUnit.MILLISECONDS.toNanos(fromMillis) - System.nanoTime());
        Map<String, Sample> before = sample();
        long from = System.nanoTime();
        TimeUnit.NANOSECONDS.sleep(start + TimeUnit.MILLISECONDS.toNanos(toMillis) - System.nanoTime());
        Map<String, Sample> after = sample();
        double seconds = (System.nanoTime() - from) / 1e9;
        double perSecond = rate.get(Watchdog.GRACE_SECONDS + 60, TimeUnit.SECONDS);
        runner.join();
        double messages = perSecond * seconds;
        long[] ticks = new long[3];
        after.forEach((thread, end) -> {
            Sample was = before.get(thread);
            Sample used = was == null ? end : end.minus(was);
            ticks[group(thread)] += used.userTicks() + used.systemTicks();
        });
        double microsPerTick = 10_000;
        return new CpuAccount(perSecond, ticks[0] * microsPerTick / messages, ticks[1] * microsPerTick / messages,
                ticks[2] * microsPerTick / messages);
    }

    double totalMicros() {
        return userMicros + loopMicros + jvmMicros;
    }

    /**
     * 0 user threads, 1 loops, 2 the JVM's own, by thread name (as Java or /proc shows it, cut to 15
     * characters there): loops are net.async's and raw Netty's event loops; user threads the
     * suite's own (bench-*, but its idle hiccup recorder), main, and core.async's {@code thread}s
     * (async-thread-macro-* before core.async 1.8, async-mixed-* and async-io-* since).
     */
    static int group(String thread) {
        if (thread.startsWith("net-async-tcp") || thread.startsWith("bench-netty")) {
            return 1;
        }
        boolean user = (thread.startsWith("bench-") && !thread.startsWith("bench-hiccups"))
                || thread.equals("main") || thread.startsWith("main ") || thread.startsWith("async-thread-ma")
                || thread.startsWith("async-mixed") || thread.startsWith("async-io");
        return user ? 0 : 2;
    }

    /** The median of each figure over rounds, each on its own. */
    static CpuAccount median(CpuAccount[] rounds) {
        double[][] f = new double[4][rounds.length];
        for (int i = 0; i < rounds.length; i++) {
            f[0][i] = rounds[i].messagesPerSecond;
            f[1][i] = rounds[i].userMicros;
            f[2][i] = rounds[i].loopMicros;
            f[3][i] = rounds[i].jvmMicros;
        }
        return new CpuAccount(Figures.median(f[0]), Figures.median(f[1]), Figures.median(f[2]), Figures.median(f[3]));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.2f µs CPU/msg (user threads %.2f, loops %.2f, JVM %.2f)", totalMicros(),
                userMicros, loopMicros, jvmMicros);
    }

    /** CPU ticks (1/100 s) of one thread. */
    private record Sample(long userTicks, long systemTicks) {
        Sample minus(Sample o) {
            return new Sample(userTicks - o.userTicks, systemTicks - o.systemTicks);
        }
    }

    /** Every live thread by "name tid", from {@code /proc/self/task}: thread ids keep two loops of one name apart. */
    private static Map<String, Sample> sample() throws IOException {
        Map<String, Sample> samples = new TreeMap<>();
        List<Path> tasks;
        try (Stream<Path> listing = Files.list(TASKS)) {
            tasks = listing.toList();
        }
        for (Path task : tasks) {
            try {
                String stat = Files.readString(task.resolve("stat"));
                // fields after the name, which is in parentheses and may hold spaces: state is field 3
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                String name = Files.readString(task.resolve("comm")).strip();
                samples.put(name + " " + task.getFileName(), new Sample(Long.parseLong(fields[11]),
                        Long.parseLong(fields[12])));
            } catch (IOException threadEnded) {
                // gone between the listing and the read: it has no window to report
            }
        }
        return samples;
    }
}
