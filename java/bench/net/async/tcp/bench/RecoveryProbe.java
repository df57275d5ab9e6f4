/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import net.async.tcp.Stats;
import net.async.tcp.fault.Fault;
import org.HdrHistogram.Histogram;

/**
 * Issue 19 part 4: how fast sessions recover as their number grows. For each N (4, 12, 100 by
 * default) N clients stream numbered messages through a proxy that resets or blackholes every
 * link 5-80 ms after it comes up, and one server echoes them. Per cut it measures the time from
 * the fault to the next message its client takes ({@link CutClock}); per N the messages echoed
 * per second per pair, the handshakes, resumes, failed handshakes and their log lines, the
 * admission figures, and what was sent again; and after the faults stop, that every message
 * came back once and in order.
 *
 * <pre>
 *   java/bin/bench -Dbench.only=recovery                                        # 4, 12, 100 × 30 s
 *   java/bin/bench -Dbench.only=recovery -Drecovery.sessions=4,12 -Drecovery.seconds=5   # quick
 * </pre>
 *
 * <h3>Threading</h3>
 * The step's thread runs each N in turn and samples its stats; the sessions run on core.async's
 * and the loops' threads ({@link ChaosRig}).
 */
final class RecoveryProbe {
    static final int[] DEFAULT_SESSIONS = {4, 12, 100};
    static final long DEFAULT_SECONDS = 30;
    private static final int HANDSHAKE_BYTES = 4 + 30 + 4 + 29; // a HELLO and its WELCOME, as SessionChaosTest
    private static final long DRAIN_SECONDS = 60;

    /** One N's figures. */
    record Result(int sessions, double seconds, Histogram recovery, Histogram reset, Histogram blackhole,
                  Histogram outage, double echoedPerPairPerSecond, long faults, long faultsInHandshake,
                  long connected, Stats client, Stats server, long maxHandshaking, long maxPending,
                  long handshakeFailedLines, long infoLines, long warnLines, long sent, long sentBytes,
                  long lost, long duplicated, long corrupt, long sessionsLost, double cores, int openCuts,
                  List<String> violations) {
        String line() {
            return String.format(Locale.ROOT, "N=%d: cut → next message %s [reset %s; blackhole %s]; "
                            + ":disconnected → next message %s; %.1f msg/s per pair; %d cuts (%.1f per pair-second, %d "
                            + "in handshakes); handshakes: %d :connected, %d failed (%d log lines), %d resumed on the "
                            + "server, %d refused, peak %d handshaking, %d pending; sent again: %.2f× messages, %.2f× "
                            + "bytes; %.2f cores; lost %d, duplicated %d, corrupt %d, sessions lost %d; %d cuts open "
                            + "at the end; INFO %d, WARN+ %d",
                    sessions, Recoveries.summary(recovery), Recoveries.summary(reset),
                    Recoveries.summary(blackhole), Recoveries.summary(outage), echoedPerPairPerSecond, faults,
                    faults / seconds / sessions, faultsInHandshake, connected, client.failedDials(),
                    handshakeFailedLines, server.sessionsResumed(), server.handshakesRefused() + server.sessionsRefused(),
                    maxHandshaking, maxPending, (double) client.messagesOut() / Math.max(1, sent),
                    (double) client.bytesOut() / Math.max(1, sentBytes), cores, lost, duplicated, corrupt,
                    sessionsLost, openCuts, infoLines, warnLines);
        }
    }

    private final Report report;
    private final Progress progress;

    RecoveryProbe(Report report, Progress progress) {
        this.report = report;
        this.progress = progress;
    }

    static int[] sessionsFromProperty() {
        String value = System.getProperty("recovery.sessions", "");
        if (value.isBlank()) {
            return DEFAULT_SESSIONS;
        }
        return java.util.Arrays.stream(value.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }

    static long secondsFromProperty() {
        String value = System.getProperty("recovery.seconds", "");
        return value.isBlank() ? DEFAULT_SECONDS : Long.parseLong(value.trim());
    }

    static ChaosRig.Settings settings(int sessions) {
        // 96 KiB every 16th message for a few pairs; for 100, 8 KiB, so the machine moves the same order of bytes
        Payloads payloads = sessions >= 50 ? new Payloads(16, 8 * 1024, 2048) : new Payloads(16, 96 * 1024, 2048);
        return new ChaosRig.Settings(2, 100, 400, 20, 1000, 16, 4 * 1024 * 1024, 16, payloads, 5, 80, 1, 0);
    }

    void run(int[] sessionCounts, long seconds, LogCounts logs) throws Exception {
        List<Result> results = new ArrayList<>();
        for (int n : sessionCounts) {
            progress.line("recovery: %d sessions, %d s of faults", n, seconds);
            Result r = runOne(n, seconds, logs);
            progress.line("recovery %s", r.line());
            results.add(r);
        }
        Result base = results.get(0);
        for (Result r : results) {
            String n = "recovery N=" + r.sessions() + ": ";
            String ref = "same, N=" + base.sessions();
            report.add(n + "cut → next message p50", ms(r.recovery(), 50), "ms", ref, ms(base.recovery(), 50), "");
            report.add(n + "cut → next message p99", ms(r.recovery(), 99), "ms", ref, ms(base.recovery(), 99), "");
            report.add(n + "cut → next message max", r.recovery().getMaxValue() / 1e3, "ms", ref,
                    base.recovery().getMaxValue() / 1e3, "");
            report.add(n + "reset → next message p50", ms(r.reset(), 50), "ms", ref, ms(base.reset(), 50), "");
            report.add(n + "reset → next message p99", ms(r.reset(), 99), "ms", ref, ms(base.reset(), 99), "");
            report.add(n + "blackhole → next message p50", ms(r.blackhole(), 50), "ms", ref, ms(base.blackhole(), 50),
                    "");
            report.add(n + "blackhole → next message p99", ms(r.blackhole(), 99), "ms", ref, ms(base.blackhole(), 99),
                    "");
            report.add(n + ":disconnected → next message p99", ms(r.outage(), 99), "ms", ref, ms(base.outage(), 99),
                    "");
            report.add(n + "echoed / pair", r.echoedPerPairPerSecond(), "msg/s", ref, base.echoedPerPairPerSecond(), "");
            report.add(n + "failed handshakes / cut", (double) r.client().failedDials() / Math.max(1, r.faults()), "",
                    ref, (double) base.client().failedDials() / Math.max(1, base.faults()), "");
            report.add(n + "'session handshake failed' lines", r.handshakeFailedLines(), "lines", ref,
                    base.handshakeFailedLines(), "");
            report.add(n + "lost + duplicated + corrupt", r.lost() + r.duplicated() + r.corrupt(), "msgs",
                    "messages sent", r.sent(), "< 1 msgs");
            report.add(n + "sessions lost", r.sessionsLost(), "sessions", "sessions", r.sessions(), "< 1 sessions");
            report.context("recovery N=" + r.sessions(), r.line());
            if (!r.violations().isEmpty()) {
                report.context("recovery N=" + r.sessions() + " violations", String.join("; ", r.violations()));
            }
        }
        ChaosRig.Settings s = settings(sessionCounts[0]);
        report.context("recovery settings", String.format(Locale.ROOT, "%d s of faults per N; faults %d-%d ms after "
                        + "each link is up, reset or blackhole; loops of %d threads (server, clients); heartbeat %d ms, "
                        + "timeout %d ms; reconnect %d ms doubling to %d, jitter 0.5; chans of %d; session buffer %d "
                        + "bytes; window %d messages; 4 B-2 KiB messages, every 16th 96 KiB (8 KiB from 50 sessions)",
                seconds, s.faultMinMillis(), s.faultMaxMillis(), s.loopThreads(), s.heartbeatMillis(),
                s.heartbeatTimeoutMillis(), s.reconnectMillis(), s.reconnectMaxMillis(), s.chanSlots(), s.bufferBytes(),
                s.window()));
    }

    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e3;
    }

    private Result runOne(int n, long seconds, LogCounts logs) throws Exception {
        ChaosRig.Settings settings = settings(n);
        logs.reset();
        long seed = System.nanoTime();
        try (ChaosRig rig = new ChaosRig(settings, seed);
             Watchdog watchdog = Watchdog.after(TimeUnit.SECONDS.toNanos(seconds + DRAIN_SECONDS + 30), rig)) {
            List<EchoClient> clients = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                clients.add(rig.connect(i, false));
            }
            long cpu0 = processCpuNanos();
            long started = System.nanoTime();
            long deadline = started + TimeUnit.SECONDS.toNanos(seconds);
            long echoed0 = rig.tally.echoed.get();
            long maxHandshaking = 0;
            long maxPending = 0;
            while (System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(500); // sampling the admission gauges, not synchronising
                Stats s = rig.server.stats();
                maxHandshaking = Math.max(maxHandshaking, s.handshaking());
                maxPending = Math.max(maxPending, s.pendingSessions());
            }
            rig.faultsEnabled(false);
            clients.forEach(EchoClient::stopWriting);
            double elapsed = (System.nanoTime() - started) / 1e9;
            double cores = (processCpuNanos() - cpu0) / 1e9 / elapsed;
            double perPair = (rig.tally.echoed.get() - echoed0) / elapsed / n;
            long drainBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS);
            while (!drained(rig, clients) && System.nanoTime() < drainBy) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            Tally t = rig.tally;
            long sent = t.sent.get();
            long echoed = t.echoed.get();
            if (sent != echoed || t.received.get() != sent) {
                t.violation("after " + DRAIN_SECONDS + " s without faults: sent " + sent + ", server took "
                        + t.received.get() + ", echoed " + echoed);
            }
            long lost = t.lost.get() + (sent - echoed);
            long sentBytes = 0;
            for (EchoClient c : clients) {
                for (long seq = 0; seq < c.sent(); seq++) {
                    sentBytes += settings.payloads().length(c.id(), seq);
                }
            }
            int openCuts = clients.stream().mapToInt(EchoClient::openCuts).sum();
            Stats client = rig.clientLoop.stats();
            Stats server = rig.server.stats();
            long faults = rig.faults();
            return new Result(n, elapsed, rig.recoveries.all().copy(), rig.recoveries.of(Fault.RESET).copy(),
                    rig.recoveries.of(Fault.BLACKHOLE).copy(), rig.outages.copy(), perPair, faults,
                    rig.faultsWithinFirst(HANDSHAKE_BYTES), t.connected.get(), client, server, maxHandshaking,
                    maxPending, logs.phrase("session handshake failed"), logs.level("INFO"),
                    logs.level("WARN") + logs.level("ERROR"), sent, sentBytes, lost, t.duplicated.get(),
                    t.corrupt.get(), t.sessionsLost.get(), cores, openCuts, List.copyOf(t.violations()));
        }
    }

    private static boolean drained(ChaosRig rig, List<EchoClient> clients) {
        for (EchoClient c : clients) {
            if (c.echoed() < c.sent()) {
                return false;
            }
        }
        return rig.tally.received.get() == rig.tally.sent.get();
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
