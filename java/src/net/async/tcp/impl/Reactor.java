/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Netty event loop with a single thread, {@code net-async-tcp-N}, like the original library's
 * selector thread, and the registry of everything that lives on it.
 *
 * <pre>
 * shutdown():
 *   1. on the loop: close every acceptor (ports are free once this returns) and every
 *      connection (each read-chan gets :closed, then closes)
 *   2. stop the loop and wait for its thread to end
 * </pre>
 *
 * <h2>Threading</h2>
 * {@code members} is confined to the loop; {@code running} is atomic; the loop's thread, once
 * made, is published through a volatile field; the rest is immutable.
 * {@link #shutdown()} may be called from any thread, the loop's own included (then it does not
 * wait).
 */
public final class Reactor {
    /** Something that must end when the loop shuts down. */
    interface Member {
        void shutdownOnLoop();
    }

    private static final AtomicInteger ids = new AtomicInteger();
    private static final long SHUTDOWN_WAIT_SECONDS = 10;

    private final LoopThreadFactory thread;
    private final MultiThreadIoEventLoopGroup group;
    private final EventLoop loop;
    private final Transport transport;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Set<Member> members = new LinkedHashSet<>();

    /**
     * Starts the loop's thread.
     *
     * @param transport the Netty transport to run on
     */
    public Reactor(Transport transport) {
        this.transport = transport;
        this.thread = new LoopThreadFactory("net-async-tcp-" + ids.incrementAndGet());
        this.group = new MultiThreadIoEventLoopGroup(1, thread, transport.ioHandlerFactory());
        this.loop = group.next();
    }

    /** {@return the Netty event loop; every member lives on it} */
    public EventLoop loop() {
        return loop;
    }

    /** {@return the Netty transport this loop runs on} */
    public Transport transport() {
        return transport;
    }

    /** {@return false once {@link #shutdown()} has been called} */
    public boolean isRunning() {
        return running.get();
    }

    /** Runs {@code task} on the loop; throws {@code IllegalStateException} once shut down. */
    void execute(Runnable task) {
        if (!running.get()) {
            throw new IllegalStateException("event loop is shut down");
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("event loop is shut down", e);
        }
    }

    void register(Member member) {
        assert loop.inEventLoop();
        members.add(member);
    }

    void unregister(Member member) {
        assert loop.inEventLoop();
        members.remove(member);
    }

    /** Idempotent; see the class comment for the sequence. */
    public void shutdown() {
        boolean first = running.compareAndSet(true, false);
        if (loop.inEventLoop()) {
            if (first) {
                closeMembersOnLoop();
                group.shutdownGracefully(0, SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
            }
            return;
        }
        if (first) {
            loop.submit(this::closeMembersOnLoop).awaitUninterruptibly(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
            group.shutdownGracefully(0, SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
        }
        group.terminationFuture().awaitUninterruptibly(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
        thread.awaitEnd(); // termination is reported from the thread's last steps, before it ends
    }

    private void closeMembersOnLoop() {
        assert loop.inEventLoop();
        // acceptors first, so nothing new arrives while connections close
        for (Member member : new ArrayList<>(members)) {
            if (member instanceof Acceptor) {
                member.shutdownOnLoop();
            }
        }
        for (Member member : new ArrayList<>(members)) {
            member.shutdownOnLoop();
        }
        members.clear();
    }

    /**
     * Makes the loop's one thread, named exactly {@code net-async-tcp-N} (DefaultThreadFactory alone
     * would append "-poolId-threadId"), and remembers it so that shutdown can wait for its end.
     */
    private static final class LoopThreadFactory extends DefaultThreadFactory {
        private final String name;
        private volatile Thread thread;

        LoopThreadFactory(String name) {
            super(name);
            this.name = name;
        }

        @Override
        protected Thread newThread(Runnable task, String ignored) {
            Thread made = super.newThread(task, name);
            thread = made;
            return made;
        }

        void awaitEnd() {
            Thread made = thread;
            if (made == null || made == Thread.currentThread()) {
                return;
            }
            try {
                made.join(TimeUnit.SECONDS.toMillis(SHUTDOWN_WAIT_SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
