/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.stats;

import io.netty.channel.EventLoop;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.async.tcp.Stats;
import net.async.tcp.Stats.Cause;

/**
 * What one connection has done, counted as it happens (see {@link Stats} for each count), or the
 * sum of several. Plain fields: counting costs an increment on the hot path, nothing more.
 *
 * <h2>Threading</h2>
 * A connection's counters are confined to its thread. A sum is built by one collector under its
 * own lock ({@link Totals}, {@link StatsCollector}).
 */
public final class Counters {
    private long connects;
    private long failedDials;
    private long reconnects;
    private final long[] disconnects = new long[Cause.values().length];
    private long messagesIn;
    private long bytesIn;
    private long messagesOut;
    private long bytesOut;
    private long heartbeatsIn;
    private long heartbeatsOut;
    private long sessionsResumed;
    private long sessionsLost;
    private long rejectedWrites;

    public void linkUp(boolean first) {
        connects++;
        if (!first) {
            reconnects++;
        }
    }

    public void dialFailed() {
        failedDials++;
    }

    public void disconnected(Cause cause) {
        disconnects[cause.ordinal()]++;
    }

    public void messageIn(int bytes) {
        messagesIn++;
        bytesIn += bytes;
    }

    public void messageOut(int bytes) {
        messagesOut++;
        bytesOut += bytes;
    }

    public void heartbeatIn() {
        heartbeatsIn++;
    }

    public void heartbeatOut() {
        heartbeatsOut++;
    }

    public void sessionResumed() {
        sessionsResumed++;
    }

    public void sessionLost() {
        sessionsLost++;
    }

    public void writeRejected() {
        rejectedWrites++;
    }

    /** Adds {@code other}'s counts to these. */
    void add(Counters other) {
        connects += other.connects;
        failedDials += other.failedDials;
        reconnects += other.reconnects;
        for (int i = 0; i < disconnects.length; i++) {
            disconnects[i] += other.disconnects[i];
        }
        messagesIn += other.messagesIn;
        bytesIn += other.bytesIn;
        messagesOut += other.messagesOut;
        bytesOut += other.bytesOut;
        heartbeatsIn += other.heartbeatsIn;
        heartbeatsOut += other.heartbeatsOut;
        sessionsResumed += other.sessionsResumed;
        sessionsLost += other.sessionsLost;
        rejectedWrites += other.rejectedWrites;
    }

    /** {@return these counts, with what only the caller knows, as a snapshot} */
    public Stats snapshot(String state, long connections, long waitingIn, long waitingOut, AcceptorCounts acceptors) {
        return snapshot(state, connections, waitingIn, waitingOut, acceptors, null);
    }

    /** The same, for a client connection on {@code server}. */
    public Stats snapshot(String state, long connections, long waitingIn, long waitingOut, AcceptorCounts acceptors,
                   java.net.SocketAddress server) {
        Map<Cause, Long> byCause = new EnumMap<>(Cause.class);
        for (Cause cause : Cause.values()) {
            byCause.put(cause, disconnects[cause.ordinal()]);
        }
        return new Stats(state, connections, connects, failedDials, reconnects, byCause, messagesIn, bytesIn,
                messagesOut, bytesOut, heartbeatsIn, heartbeatsOut, waitingIn, waitingOut, sessionsResumed,
                sessionsLost, acceptors.accepted(), acceptors.rejected(), acceptors.evicted(),
                acceptors.handshakesRefused(), acceptors.sessionsRefused(), acceptors.handshaking(),
                acceptors.pendingSessions(), server, rejectedWrites);
    }

    /**
     * The counts of connections that have ended, kept by their acceptor and their loop so that
     * those counters only grow: one sum per thread, so that a thread's ended and live connections
     * are read in one task on it, and none is counted twice or missed as it ends.
     *
     * <h2>Threading</h2>
     * The map is concurrent; each thread's sum is confined to that thread.
     */
    public static final class Totals {
        private final Map<EventLoop, Counters> ended = new ConcurrentHashMap<>();

        /** On the ended connection's thread. */
        public void retireOnLoop(EventLoop loop, Counters counters) {
            assert loop.inEventLoop();
            ended.computeIfAbsent(loop, l -> new Counters()).add(counters);
        }

        /** On {@code loop}, or on any thread once {@code loop} has ended. */
        void addToOnLoop(EventLoop loop, Counters sum) {
            assert loop.inEventLoop() || loop.isTerminated(); // or read once the thread has ended
            Counters onThread = ended.get(loop);
            if (onThread != null) {
                sum.add(onThread);
            }
        }
    }
}
