/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.chan;

import clojure.lang.AFn;
import clojure.lang.IMeta;
import clojure.lang.IPersistentMap;
import clojure.lang.Keyword;
import clojure.lang.RT;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;
import net.async.tcp.impl.Hop;

/**
 * A core.async handler for one put or take at a time, armed again for the next one: what
 * {@code put!} and {@code take!} allocate per call (a {@code fn-handler}, the callback's
 * {@code :on-caller?} wrapper, the task that hops back) is allocated once per inbox or outbox.
 *
 * <pre>
 *   Object v = Chans.take(chan, handler);   // arms it: a value now, or PENDING
 *   PENDING ──▶ the putter commits it ──▶ invoke(v) on the putter's thread ──▶ hop ──▶ onLoop(v)
 * </pre>
 *
 * Like {@code fn-handler}: no lock of its own (lock-id 0), so it must never be part of an
 * {@code alts!}. Unlike it, it is active only while armed, so a commit can happen once per arm.
 * Its owner arms it again only once {@code onLoop} has the previous result (one outstanding
 * operation), which is what makes reusing it safe: core.async drops a handler from its queue
 * when it commits it.
 *
 * <h2>Threading</h2>
 * Armed on {@code loop}; committed and called back on whichever thread completes the operation,
 * committed under the channel's lock; the result reaches {@code onLoop} on {@code loop}.
 */
final class ReusableHandler extends AFn implements Lock, IMeta, Runnable {
    /** What {@link Chans#take} and {@link Chans#put} return when the operation waits. */
    static final Object PENDING = new Object();
    // core.async's dispatch runs a callback with this metadata on the thread that completes the operation
    private static final IPersistentMap ON_CALLER = RT.map(Keyword.intern("on-caller?"), Boolean.TRUE);

    private final Executor loop;
    private final Consumer<Object> onLoop;
    // an operation is outstanding and not yet committed; read without the channel's lock by its cleanup
    private volatile boolean armed;
    private Object result; // written before the hop, read after it

    /** @param onLoop receives each pending operation's result on {@code loop} (a put's is a Boolean) */
    ReusableHandler(Executor loop, Consumer<Object> onLoop) {
        this.loop = loop;
        this.onLoop = onLoop;
    }

    /** Before each operation; fails when the last one is still outstanding. */
    void arm() {
        if (armed) {
            throw new IllegalStateException("a reusable handler armed twice: an operation is still outstanding");
        }
        armed = true;
    }

    /** Hands {@code value} to {@code onLoop} on the loop's next turn, as a pending operation's callback would. */
    void completeLater(Object value) {
        invoke(value);
    }

    boolean isActive() {
        return armed;
    }

    /** A put or take with it may wait: it is queued on the channel when it cannot complete at once. */
    boolean isBlockable() {
        return true;
    }

    /** Under the channel's lock, after {@link #isActive}: the operation is this handler's, once. */
    Object commit() {
        armed = false;
        return this;
    }

    /** The callback core.async calls with the result; hops, so that it never runs inside our own call. */
    @Override
    public Object invoke(Object value) {
        result = value;
        Hop.onto(loop, this);
        return null;
    }

    @Override
    public void run() {
        Object value = result;
        result = null;
        onLoop.accept(value);
    }

    @Override
    public IPersistentMap meta() {
        return ON_CALLER;
    }

    // no lock of its own, as core.async's fn-handler: lock-id 0

    @Override
    public void lock() {
    }

    @Override
    public void unlock() {
    }

    @Override
    public void lockInterruptibly() {
    }

    @Override
    public boolean tryLock() {
        return true;
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) {
        return true;
    }

    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException();
    }
}
