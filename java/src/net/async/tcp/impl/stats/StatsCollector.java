/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.stats;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import net.async.tcp.Stats;

/**
 * Sums what the connections of a loop, or of an acceptor, have done: one task on each thread
 * reads that thread's live connections and the totals of those that ended there, together, so
 * that a connection ending meanwhile is counted once, either way.
 *
 * <pre>
 * StatsCollector sum = new StatsCollector();
 * sum.collect(reactor.group(), connections, totals);   // blocks: never on an event loop
 * sum.snapshot("running", AcceptorCounts.NONE);
 * </pre>
 *
 * <h2>Threading</h2>
 * {@link #collect} runs on a user thread and blocks; the per-thread tasks add under this
 * object's lock, and so does {@code collect} itself for a thread that has ended.
 */
public final class StatsCollector {
    /** Something whose counts a collector adds up, on the thread it lives on. */
    public interface Counted {
        EventLoop loop();

        /** Adds its counts to {@code sum}, unless it has ended (then they are among the ended). */
        void addStatsOnLoop(StatsCollector sum);
    }

    private static final long WAIT_SECONDS = 5;

    private final Counters sum = new Counters();
    private long live;
    private long waitingIn;
    private long waitingOut;

    /**
     * Reads, on each of {@code threads}, the connections of {@code connections} that live there
     * and the totals of those that ended there.
     */
    public void collect(Iterable<EventExecutor> threads, Collection<? extends Counted> connections, Counters.Totals ended) {
        Map<EventExecutor, List<Counted>> byThread = new HashMap<>();
        for (Counted connection : connections) {
            byThread.computeIfAbsent(connection.loop(), l -> new ArrayList<>()).add(connection);
        }
        List<Future<?>> reads = new ArrayList<>();
        for (EventExecutor thread : threads) {
            if (thread.inEventLoop()) {
                throw new IllegalStateException("stats blocks until every thread of the loop answers: "
                        + "call it from a thread of yours, not from an event loop");
            }
            List<Counted> onThread = byThread.getOrDefault(thread, List.of());
            try {
                reads.add(thread.submit(() -> addOnLoop((EventLoop) thread, onThread, ended)));
            } catch (RejectedExecutionException shutDown) {
                // that thread is ending, and its connections with it: once it has ended, what it
                // kept is ours to read (its termination happens-before the future completes)
                if (thread.terminationFuture().awaitUninterruptibly(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    addOnLoop((EventLoop) thread, List.of(), ended);
                }
            }
        }
        for (Future<?> read : reads) {
            read.awaitUninterruptibly(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    private synchronized void addOnLoop(EventLoop thread, List<Counted> onThread, Counters.Totals ended) {
        assert thread.inEventLoop() || thread.isTerminated(); // or read once the thread has ended
        ended.addToOnLoop(thread, sum);
        for (Counted connection : onThread) {
            connection.addStatsOnLoop(this);
        }
    }

    /** A live connection's counts and backlogs, on its thread; one that has ended is among the ended. */
    public synchronized void addLiveOnLoop(Counters counters, int waitingIn, int waitingOut) {
        sum.add(counters);
        live++;
        this.waitingIn += waitingIn;
        this.waitingOut += waitingOut;
    }

    /**
     * {@return one connection's snapshot, made by {@code read} on its {@code loop}}, or {@code ended}'s
     * once the loop no longer runs tasks. Blocks: never call it on another event loop.
     */
    public static Stats readOn(EventLoop loop, Callable<Stats> read, Supplier<Stats> ended) {
        try {
            return loop.inEventLoop() ? read.call() : loop.submit(read).get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
            return ended.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading stats", e);
        } catch (Exception e) {
            throw new IllegalStateException("reading stats failed", e);
        }
    }

    public synchronized Stats snapshot(String state, AcceptorCounts acceptors) {
        return sum.snapshot(state, live, waitingIn, waitingOut, acceptors);
    }
}
