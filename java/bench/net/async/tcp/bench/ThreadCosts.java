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
 * Where one-way throughput goes: CPU time and context switches per thread, read from
 * {@code /proc/self/task} over a one-second window in the middle of a run, for net.async and raw
 * Netty at 128 B and 1 KiB. The costs it shows are the ones a profiler does not: a thread parked
 * on a channel and woken for a few messages at a time, and the loop it preempts.
 *
 * <pre>
 *   mvn -q -Pbench test-compile exec:exec -Dbench.main=net.async.tcp.bench.ThreadCosts     # Linux only
 * </pre>
 *
 * <h3>Threading</h3>
 * The main thread samples; each run goes on a thread of its own ({@code bench-reader}, which is
 * also net.async's reading user thread) and starts and ends its own threads.
 */
public final class ThreadCosts {
    private static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(3);
    private static final long WINDOW_MILLIS = 1000;
    private static final Path TASKS = Path.of("/proc/self/task");

    private ThreadCosts() {
    }

    public static void main(String[] args) throws Exception {
        Async.chan();
        for (int i = 0; i < 2; i++) {
            NettyOneWay.run(128, Long.MAX_VALUE, RUN_NANOS / 6);
            AsyncOneWay.run(128, 1024, Long.MAX_VALUE, RUN_NANOS / 6);
        }
        for (int size : new int[] {128, 1024}) {
            report("raw Netty", size, () -> NettyOneWay.run(size, Long.MAX_VALUE, RUN_NANOS));
            report("net.async, chan 1024", size, () -> AsyncOneWay.run(size, 1024, Long.MAX_VALUE, RUN_NANOS));
        }
        System.exit(0);
    }

    /** A one-way run: messages per second. */
    private interface Run {
        double messagesPerSecond() throws Exception;
    }

    private static void report(String side, int size, Run run) throws Exception {
        CompletableFuture<Double> rate = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                rate.complete(run.messagesPerSecond());
            } catch (Exception | Error e) {
                rate.completeExceptionally(e);
            }
        }, "bench-reader");
        reader.setDaemon(true);
        reader.start();
        // a fixed point in the run, not a synchronisation: the window lies in its middle
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(RUN_NANOS) / 2 - WINDOW_MILLIS / 2);
        Map<String, Sample> before = sample();
        Thread.sleep(WINDOW_MILLIS);
        Map<String, Sample> after = sample();
        double perSecond = rate.get(RUN_NANOS + TimeUnit.SECONDS.toNanos(Watchdog.GRACE_SECONDS + 5),
                TimeUnit.NANOSECONDS);
        double thousands = perSecond * WINDOW_MILLIS / 1000 / 1000;
        System.out.printf(Locale.ROOT, "%n%s, %d B: %,.0f msg/s over the run%n", side, size, perSecond);
        System.out.printf(Locale.ROOT, "  %-22s %6s %6s %12s %12s %16s%n", "thread", "user%", "sys%",
                "parks/s", "preempted/s", "switches/1k msg");
        Sample total = new Sample(0, 0, 0, 0);
        for (Map.Entry<String, Sample> e : after.entrySet()) {
            Sample b = before.get(e.getKey());
            if (b == null) {
                continue;
            }
            Sample d = e.getValue().minus(b);
            if (d.userTicks + d.systemTicks == 0) {
                continue;
            }
            total = total.plus(d);
            print(e.getKey(), d, thousands);
        }
        print("all threads", total, thousands);
    }

    private static void print(String name, Sample d, double thousands) {
        double seconds = WINDOW_MILLIS / 1000.0;
        System.out.printf(Locale.ROOT, "  %-22s %6.0f %6.0f %,12.0f %,12.0f %16.1f%n", name,
                d.userTicks / seconds, d.systemTicks / seconds, d.voluntary / seconds,
                d.involuntary / seconds, (d.voluntary + d.involuntary) / thousands);
    }

    /** CPU ticks (1/100 s, so ticks per second read as % of a core) and context switches of one thread. */
    record Sample(long userTicks, long systemTicks, long voluntary, long involuntary) {
        Sample minus(Sample o) {
            return new Sample(userTicks - o.userTicks, systemTicks - o.systemTicks, voluntary - o.voluntary,
                    involuntary - o.involuntary);
        }

        Sample plus(Sample o) {
            return new Sample(userTicks + o.userTicks, systemTicks + o.systemTicks, voluntary + o.voluntary,
                    involuntary + o.involuntary);
        }
    }

    /** Every live thread by "name tid": thread ids keep two loops of the same name apart. */
    static Map<String, Sample> sample() throws IOException {
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
                long voluntary = 0;
                long involuntary = 0;
                for (String line : Files.readAllLines(task.resolve("status"))) {
                    if (line.startsWith("voluntary_ctxt_switches:")) {
                        voluntary = Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
                    } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                        involuntary = Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
                    }
                }
                samples.put(name + " " + task.getFileName(), new Sample(Long.parseLong(fields[11]),
                        Long.parseLong(fields[12]), voluntary, involuntary));
            } catch (IOException threadEnded) {
                // gone between the listing and the read: it has no window to report
            }
        }
        return samples;
    }
}
