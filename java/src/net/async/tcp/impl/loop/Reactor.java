/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.loop;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import net.async.tcp.impl.Checks;
import net.async.tcp.impl.stats.AcceptorCounts;
import net.async.tcp.impl.stats.Counters;
import net.async.tcp.impl.stats.StatsCollector;

/**
 * An event loop group of one thread, {@code net-async-tcp-N}, like the original library's
 * selector thread, or of several, {@code net-async-tcp-N-M}; and the registry of everything that
 * lives on them. Each member (connection, acceptor) lives on one of the threads for its whole life:
 * clients are spread over them as they are made, accepted connections as they arrive.
 *
 * <pre>
 * shutdown():
 *   1. on each acceptor's thread: close it (ports are free once this returns)
 *   2. on each connection's thread: close it (each read-chan gets :closed, then closes)
 *   3. stop the threads and wait for them to end
 * </pre>
 *
 * <h2>Threading</h2>
 * {@code members} is a concurrent set, each member added and removed on its own thread (an
 * acceptor under the lock of {@code endedAcceptors}, which takes its counts);
 * {@code running} is atomic; the threads, once made, are published through a concurrent list;
 * the rest is immutable. {@link #shutdown()} may be called from any thread, the loops' own
 * included (then it does not wait).
 */
public final class Reactor {
    /** Something that lives on one of the loop's threads and must end when the loop shuts down, there. */
    interface Resident {
        EventLoop loop();

        void shutdownOnLoop();
    }

    /** A connection: ends after the listeners at shutdown, and its counts are the loop's. */
    public interface Member extends Resident, StatsCollector.Counted {
    }

    /** An acceptor: ends first at shutdown, so nothing new arrives while the members close. */
    public interface Listener extends Resident {
        /** {@return what it counts beside its connections; any thread} */
        AcceptorCounts counts();
    }

    private static final AtomicInteger ids = new AtomicInteger();
    private static final long SHUTDOWN_WAIT_SECONDS = 10;

    private final LoopThreadFactory threads;
    private final MultiThreadIoEventLoopGroup group;
    private final Transport transport;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Set<Member> members = ConcurrentHashMap.newKeySet();
    private final Set<Listener> listeners = ConcurrentHashMap.newKeySet();
    private final Counters.Totals ended = new Counters.Totals();
    // the counts of the acceptors that have closed; guarded by listeners, which also makes an
    // acceptor's leaving and its counts' arriving here one step for stats()
    private AcceptorCounts endedAcceptors = AcceptorCounts.NONE;

    /**
     * Starts a loop with one thread.
     *
     * @param transport the Netty transport to run on
     */
    public Reactor(Transport transport) {
        this(transport, 1);
    }

    /**
     * Starts the loop's threads.
     *
     * @param transport the Netty transport to run on
     * @param threads   how many threads; at least 1
     */
    public Reactor(Transport transport, int threads) {
        this.transport = transport;
        Checks.atLeastOne(threads, "threads");
        this.threads = new LoopThreadFactory("net-async-tcp-" + ids.incrementAndGet(), threads > 1);
        this.group = new MultiThreadIoEventLoopGroup(threads, this.threads, transport.ioHandlerFactory());
    }

    /** {@return a thread for a new member: each in turn} */
    public EventLoop next() {
        return group.next();
    }

    /** {@return every thread's loop, for the connections a listening socket accepts} */
    public EventLoopGroup group() {
        return group;
    }

    /** {@return how many threads the loop has} */
    public int threadCount() {
        return group.executorCount();
    }

    /** {@return the Netty transport this loop runs on} */
    public Transport transport() {
        return transport;
    }

    /** {@return the counts of the connections that have ended on this loop} */
    public Counters.Totals totals() {
        return ended;
    }

    /**
     * What every connection and acceptor of this loop has done; blocks while each thread reads
     * its own connections.
     *
     * @return the snapshot, the ended connections' counts included
     * @throws IllegalStateException when called on an event loop
     */
    public net.async.tcp.Stats stats() {
        AcceptorCounts acceptors;
        synchronized (listeners) {
            acceptors = endedAcceptors;
            for (Listener listener : listeners) {
                acceptors = acceptors.plus(listener.counts());
            }
        }
        StatsCollector collector = new StatsCollector();
        collector.collect(group, new ArrayList<>(members), ended);
        return collector.snapshot(running.get() ? "running" : "shut down", acceptors);
    }

    /** {@return false once {@link #shutdown()} has been called} */
    public boolean isRunning() {
        return running.get();
    }

    /** Runs {@code task} on {@code loop}, one of ours; throws {@code IllegalStateException} once shut down. */
    public void execute(EventLoop loop, Runnable task) {
        if (!running.get()) {
            throw new IllegalStateException("event loop is shut down");
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("event loop is shut down", e);
        }
    }

    public void register(Member member) {
        assert member.loop().inEventLoop();
        members.add(member);
    }

    public void unregister(Member member) {
        assert member.loop().inEventLoop();
        members.remove(member);
    }

    public void register(Listener listener) {
        assert listener.loop().inEventLoop();
        listeners.add(listener);
    }

    public void unregister(Listener listener) {
        assert listener.loop().inEventLoop();
        synchronized (listeners) { // a loop's counters only grow: the acceptor's stay
            if (listeners.remove(listener)) {
                endedAcceptors = endedAcceptors.plus(listener.counts().closed());
            }
        }
    }

    /** Idempotent; see the class comment for the sequence. */
    public void shutdown() {
        boolean first = running.compareAndSet(true, false);
        boolean onOurThread = isOurThread(Thread.currentThread());
        if (first) {
            // acceptors first, so nothing new arrives while connections close; what joins meanwhile is closed too
            close(listeners, !onOurThread);
            close(members, !onOurThread);
            group.shutdownGracefully(0, SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
        }
        if (onOurThread) {
            return; // it cannot wait for itself
        }
        group.terminationFuture().awaitUninterruptibly(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
        threads.awaitEnd(); // termination is reported from the threads' last steps, before they end
    }

    /** Closes each of {@code residents} on its own thread; waits unless called on one of ours. */
    private static void close(Set<? extends Resident> residents, boolean wait) {
        List<Future<?>> closing = new ArrayList<>();
        for (Resident member : new ArrayList<>(residents)) {
            if (member.loop().inEventLoop()) {
                member.shutdownOnLoop();
            } else if (!member.loop().isShuttingDown()) {
                closing.add(member.loop().submit(member::shutdownOnLoop));
            }
        }
        if (wait) {
            for (Future<?> close : closing) {
                close.awaitUninterruptibly(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
            }
        }
    }

    private boolean isOurThread(Thread thread) {
        for (EventExecutor loop : group) {
            if (loop.inEventLoop(thread)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Makes the loop's threads, named exactly {@code net-async-tcp-N} or {@code net-async-tcp-N-M}
     * (DefaultThreadFactory alone would append "-poolId-threadId"), and remembers them so that
     * shutdown can wait for their end.
     */
    private static final class LoopThreadFactory extends DefaultThreadFactory {
        private final String name;
        private final boolean numbered;
        private final AtomicInteger numbers = new AtomicInteger();
        private final List<Thread> made = new CopyOnWriteArrayList<>();

        LoopThreadFactory(String name, boolean numbered) {
            super(name);
            this.name = name;
            this.numbered = numbered;
        }

        @Override
        protected Thread newThread(Runnable task, String ignored) {
            Thread thread = super.newThread(task, numbered ? name + "-" + numbers.incrementAndGet() : name);
            made.add(thread);
            return thread;
        }

        void awaitEnd() {
            for (Thread thread : made) {
                if (thread == Thread.currentThread()) {
                    continue;
                }
                try {
                    thread.join(TimeUnit.SECONDS.toMillis(SHUTDOWN_WAIT_SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
