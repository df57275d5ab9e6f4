/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Records what must never happen in a test: an uncaught exception on any thread (a recording
 * default handler, as core.async's exceptions_test does) and log lines that mean an exception
 * escaped a handler ("unexpected failure" from our own log, Netty's "reached at the tail of the
 * pipeline", leak reports), and Netty's complaint that a listener could not be told because its
 * event loop had shut down. slf4j-simple writes to whatever {@code System.err} is at the time,
 * so a tee on it sees every log line, while still printing them.
 *
 * <pre>
 * try (Trouble trouble = Trouble.watch()) {
 *     ...
 *     trouble.assertNone();
 * }
 * </pre>
 */
public final class Trouble implements AutoCloseable {
    private static final Pattern BAD = Pattern.compile(
            "unexpected failure|reached at the tail of the pipeline|LEAK:|Exception in thread"
                    + "|Failed to submit a listener notification task|An exception was thrown by|A task raised an exception");

    private final List<String> seen = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();
    private final Thread.UncaughtExceptionHandler previousHandler;
    private final PrintStream previousErr;

    private Trouble() {
        previousHandler = Thread.getDefaultUncaughtExceptionHandler();
        previousErr = System.err;
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> record("uncaught on " + thread.getName() + ": " + e));
        System.setErr(new PrintStream(new LineTee(previousErr), true, StandardCharsets.UTF_8));
    }

    public static Trouble watch() {
        return new Trouble();
    }

    public synchronized List<String> seen() {
        return new ArrayList<>(seen);
    }

    /** Every line written to stderr while watching that contains {@code text}, as a log line is. */
    public synchronized List<String> linesContaining(String text) {
        return lines.stream().filter(line -> line.contains(text)).toList();
    }

    public void assertNone() {
        List<String> trouble = seen();
        if (!trouble.isEmpty()) {
            throw new AssertionError("trouble recorded: " + trouble);
        }
    }

    private synchronized void record(String what) {
        seen.add(what);
    }

    private synchronized void recordLine(String line) {
        lines.add(line);
    }

    @Override
    public void close() {
        System.setErr(previousErr);
        Thread.setDefaultUncaughtExceptionHandler(previousHandler);
    }

    /** Passes bytes on and checks each complete line. */
    private final class LineTee extends OutputStream {
        private final PrintStream target;
        private final StringBuilder line = new StringBuilder();

        LineTee(PrintStream target) {
            this.target = target;
        }

        @Override
        public synchronized void write(int b) {
            target.write(b);
            if (b == '\n') {
                if (BAD.matcher(line).find()) {
                    record(line.toString());
                }
                recordLine(line.toString());
                line.setLength(0);
            } else if (line.length() < 4096) {
                line.append((char) b);
            }
        }
    }
}
