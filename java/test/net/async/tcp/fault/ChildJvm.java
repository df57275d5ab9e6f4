/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@code main} class run in a JVM of its own, on the test's classpath, optionally inside a
 * network namespace ({@code ip netns exec}, which execs, so {@link #pid()} is the JVM's own).
 * Its stdout lines arrive on a queue; the last lines of its stderr are kept for failure messages.
 *
 * <pre>
 * try (ChildJvm server = ChildJvm.start(List.of(), EchoServerMain.class, "0", "100", "400")) {
 *     int port = server.expectPort(WAIT);                   // its "port N" line
 *     server.signal("STOP");   // freeze it
 * }                            // close(): SIGCONT, SIGKILL, wait
 * </pre>
 */
final class ChildJvm implements AutoCloseable {
    private static final int STDERR_LINES_KEPT = 40;

    private final Process process;
    private final String name;
    private final BlockingQueue<Line> stdout = new LinkedBlockingQueue<>();
    private final ArrayDeque<String> stderrTail = new ArrayDeque<>();

    private ChildJvm(Process process, String name) {
        this.process = process;
        this.name = name;
        drain(process.getInputStream(), "stdout", line -> stdout.add(new Line(line, System.nanoTime())));
        drain(process.getErrorStream(), "stderr", line -> {
            synchronized (stderrTail) {
                if (stderrTail.size() == STDERR_LINES_KEPT) {
                    stderrTail.removeFirst();
                }
                stderrTail.addLast(line);
            }
        });
    }

    /**
     * Starts {@code main} with {@code args}; {@code prefix} goes before {@code java}, e.g.
     * {@code ip netns exec <ns>}.
     */
    static ChildJvm start(List<String> prefix, Class<?> main, String... args) {
        return start(prefix, List.of(), main, args);
    }

    /** The same, with {@code jvmOptions} (say, {@code -Djdk.net.hosts.file=…}) before the main class. */
    static ChildJvm start(List<String> prefix, List<String> jvmOptions, Class<?> main, String... args) {
        List<String> command = new ArrayList<>(prefix);
        command.add(java());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(ClojureAot.dir() + File.pathSeparator + System.getProperty("java.class.path"));
        command.add("-XX:TieredStopAtLevel=1"); // starts faster; these mains do little work
        command.add(main.getName());
        command.addAll(List.of(args));
        try {
            return new ChildJvm(new ProcessBuilder(command).start(), main.getSimpleName());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** The {@code java} launcher of this JVM. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * The next stdout line matching {@code wanted}, skipping others; fails with the child's
     * stderr when none comes within {@code timeout}.
     */
    Line expect(Predicate<Line> wanted, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Line line = stdout.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError(name + " printed no " + what + " within " + timeout.toMillis()
                        + " ms (alive: " + process.isAlive() + "); its stderr ends with:\n" + stderrTail());
            }
            if (wanted.test(line)) {
                return line;
            }
        }
    }

    /** The next stdout line equal to {@code text}. */
    Line expect(String text, Duration timeout) throws InterruptedException {
        return expectAfter(text, Long.MIN_VALUE, timeout);
    }

    /** The next stdout line equal to {@code text} read after {@code nanos}; earlier ones are skipped. */
    Line expectAfter(String text, long nanos, Duration timeout) throws InterruptedException {
        return expect(line -> line.text().equals(text) && line.atNanos() - nanos > 0, timeout,
                "\"" + text + "\" line");
    }

    /** Waits for the {@code port N} line the servers print once bound. */
    int expectPort(Duration timeout) throws InterruptedException {
        return Integer.parseInt(expect(line -> line.text().startsWith("port "), timeout, "port line").text().substring(5));
    }

    /** Sends {@code kill -<signal>} to the JVM. */
    void signal(String signal) {
        Shell.run("kill", "-" + signal, Long.toString(process.pid()));
    }

    /** SIGKILL, and wait until the process is gone, so its ports are closed by the kernel. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " survived SIGKILL for 10 s");
        }
    }

    String stderrTail() {
        synchronized (stderrTail) {
            return String.join("\n", stderrTail);
        }
    }

    /** Resumes the JVM in case a test stopped it (so nothing is ever left frozen), then kills it. */
    @Override
    public void close() {
        if (process.isAlive()) {
            Shell.tryRun("kill", "-CONT", Long.toString(process.pid()));
            try {
                kill();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }


    /** One line of the child's stdout and when this JVM read it ({@link System#nanoTime()}). */
    record Line(String text, long atNanos) {
    }

    private void drain(InputStream in, String stream, java.util.function.Consumer<String> sink) {
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                // the process is gone; nothing more to read
            }
        }, name + "-" + stream);
        reader.setDaemon(true);
        reader.start();
    }
}
