/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The {@code net-async} command in a JVM of its own, with its output lines collected as they come. */
final class CommandProcess implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> out = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> err = new LinkedBlockingQueue<>();
    private final List<String> errSeen = new ArrayList<>();

    CommandProcess(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), NetAsyncCommand.class.getName()));
        command.addAll(List.of(args));
        process = new ProcessBuilder(command).start();
        drain(process.getInputStream(), out);
        drain(process.getErrorStream(), err);
    }

    private static void drain(InputStream stream, BlockingQueue<String> lines) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process is gone
            }
        }, "command-output");
        reader.setDaemon(true);
        reader.start();
    }

    OutputStream stdin() {
        return process.getOutputStream();
    }

    /** The next stdout line that matches, within {@code timeout}; fails the test otherwise. */
    String awaitOut(Predicate<String> wanted, Duration timeout) throws InterruptedException {
        return await(out, wanted, timeout, "stdout");
    }

    String awaitErr(Predicate<String> wanted, Duration timeout) throws InterruptedException {
        return await(err, wanted, timeout, "stderr");
    }

    private String await(BlockingQueue<String> lines, Predicate<String> wanted, Duration timeout, String name)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> skipped = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line != null && wanted.test(line)) {
                return line;
            }
            if (line != null) {
                skipped.add(line);
            }
        }
        throw new AssertionError("no matching " + name + " line within " + timeout + "; saw " + skipped);
    }

    /** Waits for the exit code; fails the test if the command does not end in time. */
    int exitCode(Duration timeout, String what) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("'" + what + "' still running after " + timeout + "; stderr: " + stderr());
        }
        return process.exitValue();
    }

    /** Everything printed on stderr so far, once the process has ended. */
    String stderr() {
        err.drainTo(errSeen);
        return String.join("\n", errSeen);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
