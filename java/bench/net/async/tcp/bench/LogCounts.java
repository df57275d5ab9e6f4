/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts the log lines a step makes, by level and by a few phrases the issue names. The project
 * logs through SLF4J and, in the test classpath the bench runs on, slf4j-simple, which writes each
 * line to whatever {@code System.err} is at the time: a tee on it sees every line. INFO and DEBUG
 * lines are counted and only the first few shown, the rest pass through.
 *
 * <pre>
 *   LogCounts.info();                       // before the first net.async logger exists: net.async at INFO
 *   try (LogCounts logs = LogCounts.watch()) { ... logs.byLevel(); logs.phrase("session handshake failed"); }
 * </pre>
 *
 * <h3>Threading</h3>
 * Any thread writes (the tee is synchronized); the counts are read under the same lock.
 */
final class LogCounts implements AutoCloseable {
    private static final Pattern LEVEL = Pattern.compile("\\] (TRACE|DEBUG|INFO|WARN|ERROR) ");
    private static final String[] PHRASES = {"session handshake failed", "outside", "cannot connect",
            "closed while it moved", "An exception was thrown", "Exception"};
    private static final int SHOWN_QUIET = 5;

    private final PrintStream previous;
    private final Map<String, Long> levels = new TreeMap<>();
    private final Map<String, Long> phrases = new TreeMap<>();

    /** net.async's loggers at INFO, where "session handshake failed" is; must run before the first is made. */
    static void info() {
        System.setProperty("org.slf4j.simpleLogger.log.net.async", "info");
    }

    private LogCounts() {
        previous = System.err;
        System.setErr(new PrintStream(new Tee(), true, StandardCharsets.UTF_8));
    }

    static LogCounts watch() {
        return new LogCounts();
    }

    synchronized Map<String, Long> byLevel() {
        return new TreeMap<>(levels);
    }

    synchronized long phrase(String phrase) {
        return phrases.getOrDefault(phrase, 0L);
    }

    synchronized long level(String level) {
        return levels.getOrDefault(level, 0L);
    }

    synchronized void reset() {
        levels.clear();
        phrases.clear();
    }

    @Override
    public void close() {
        System.setErr(previous);
    }

    private synchronized void line(String line) {
        Matcher m = LEVEL.matcher(line);
        if (!m.find()) {
            previous.println(line);
            return;
        }
        String level = m.group(1);
        long seen = levels.merge(level, 1L, Long::sum);
        for (String phrase : PHRASES) {
            if (line.contains(phrase)) {
                phrases.merge(phrase, 1L, Long::sum);
            }
        }
        boolean quiet = level.equals("INFO") || level.equals("DEBUG") || level.equals("TRACE");
        if (!quiet || seen <= SHOWN_QUIET) {
            previous.println(line);
        }
    }

    /** Splits what is written into lines. */
    private final class Tee extends OutputStream {
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        @Override
        public void write(int b) {
            synchronized (LogCounts.this) {
                if (b == '\n') {
                    line(pending.toString(StandardCharsets.UTF_8));
                    pending.reset();
                } else if (pending.size() < 16_384) {
                    pending.write(b);
                }
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (LogCounts.this) {
                for (int i = off; i < off + len; i++) {
                    write(b[i]);
                }
            }
        }
    }
}
