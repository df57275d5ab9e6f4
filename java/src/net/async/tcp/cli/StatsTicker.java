/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Supplier;
import net.async.tcp.Stats;

/**
 * {@code --stats}: a line of figures every second, on standard error so that standard output
 * stays the events and messages, and a last one when the command ends.
 *
 * <pre>
 * 2026-12-03T17:40:01.002Z stats state=accepting connections=2 connects=2 reconnects=0 failed-dials=0
 *   disconnects=1 (peer-closed=1) messages-in=1200 (+300/s) bytes-in=153600 (+38400/s) … accepted=3 rejected=0
 * </pre>
 * (one line; wrapped here)
 *
 * <h2>Threading</h2>
 * Its own daemon thread reads and prints; {@link #close} from the command's thread.
 */
final class StatsTicker implements AutoCloseable {
    private static final long PERIOD_MILLIS = 1000;

    private final Supplier<Stats> source;
    private final PrintStream out;
    private final Thread thread;
    private Stats previous; // the ticker thread's, then close()'s once it has ended
    private long previousNanos;

    StatsTicker(Supplier<Stats> source, PrintStream out) {
        this.source = source;
        this.out = out;
        this.thread = new Thread(this::tick, "net-async-stats");
        thread.setDaemon(true);
        thread.start();
    }

    private void tick() {
        try {
            while (true) {
                Thread.sleep(PERIOD_MILLIS); // a period between lines, not a synchronisation
                printNow();
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    private void printNow() {
        long now = System.nanoTime();
        Stats stats = source.get();
        double seconds = previous == null ? 0 : (now - previousNanos) / 1e9;
        String line = Instant.now() + " stats " + format(stats, previous, seconds);
        synchronized (out) {
            out.println(line);
            out.flush();
        }
        previous = stats;
        previousNanos = now;
    }

    /** Stops the ticks and prints the last line. */
    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join();
        printNow();
    }

    /**
     * The figures of {@code stats}, with rates against {@code before} (if any) over {@code seconds}.
     * Disconnects list their causes that are not zero; acceptors' figures only where there are any.
     */
    static String format(Stats stats, Stats before, double seconds) {
        StringJoiner line = new StringJoiner(" ");
        line.add("state=" + stats.state().replace(' ', '-'));
        line.add("connections=" + stats.connections());
        line.add("connects=" + stats.connects());
        line.add("reconnects=" + stats.reconnects());
        line.add("failed-dials=" + stats.failedDials());
        line.add("disconnects=" + stats.disconnectsTotal() + causes(stats));
        line.add("messages-in=" + stats.messagesIn() + rate(stats.messagesIn(), before, Stats::messagesIn, seconds));
        line.add("bytes-in=" + stats.bytesIn() + rate(stats.bytesIn(), before, Stats::bytesIn, seconds));
        line.add("messages-out=" + stats.messagesOut() + rate(stats.messagesOut(), before, Stats::messagesOut, seconds));
        line.add("bytes-out=" + stats.bytesOut() + rate(stats.bytesOut(), before, Stats::bytesOut, seconds));
        line.add("heartbeats-in=" + stats.heartbeatsIn());
        line.add("heartbeats-out=" + stats.heartbeatsOut());
        line.add("waiting-in=" + stats.waitingIn());
        line.add("waiting-out=" + stats.waitingOut());
        line.add("sessions-resumed=" + stats.sessionsResumed());
        line.add("sessions-lost=" + stats.sessionsLost());
        if (stats.rejectedWrites() > 0) {
            line.add("rejected-writes=" + stats.rejectedWrites());
        }
        if (stats.accepted() + stats.rejected() + stats.evicted() > 0) {
            line.add("accepted=" + stats.accepted());
            line.add("rejected=" + stats.rejected());
            line.add("evicted=" + stats.evicted());
        }
        if (stats.handshaking() + stats.pendingSessions() + stats.handshakesRefused() + stats.sessionsRefused() > 0) {
            line.add("handshaking=" + stats.handshaking());
            line.add("pending-sessions=" + stats.pendingSessions());
            line.add("handshakes-refused=" + stats.handshakesRefused());
            line.add("sessions-refused=" + stats.sessionsRefused());
        }
        return line.toString();
    }

    private static String causes(Stats stats) {
        StringJoiner causes = new StringJoiner(" ", " (", ")").setEmptyValue("");
        for (Map.Entry<Stats.Cause, Long> entry : stats.disconnects().entrySet()) {
            if (entry.getValue() > 0) {
                causes.add(entry.getKey().keyword().getName() + "=" + entry.getValue());
            }
        }
        return causes.toString();
    }

    private static String rate(long now, Stats before, java.util.function.ToLongFunction<Stats> figure,
                               double seconds) {
        if (before == null || seconds <= 0) {
            return "";
        }
        return " (+" + Math.round((now - figure.applyAsLong(before)) / seconds) + "/s)";
    }
}
