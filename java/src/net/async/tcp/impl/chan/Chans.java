/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.chan;

import clojure.java.api.Clojure;
import clojure.lang.AFn;
import clojure.lang.AFunction;
import clojure.lang.IDeref;
import clojure.lang.IFn;
import clojure.lang.Keyword;
import clojure.lang.RT;
import java.util.function.Consumer;

/**
 * The only class that calls core.async: channel creation, {@code offer!}, {@code put!},
 * {@code poll!}, {@code take!} and {@code close!}, resolved once.
 *
 * <pre>
 *   Chans.offer(ch, v)            // immediate path: true when a taker or buffer slot took v
 *   Chans.put(ch, v, ok -&gt; ...)   // parks nothing; ok is false once ch is closed
 *   Chans.poll(ch)                // immediate path: a value or null
 *   Chans.take(ch, v -&gt; ...)      // v is null once ch is closed and drained
 *   Chans.take(ch, handler)       // the library's own: a value now, or PENDING and handler hears later
 *   Chans.put(ch, v, handler)     // the library's own: TRUE, FALSE (closed), or PENDING
 * </pre>
 *
 * <h2>Threading</h2>
 * Stateless; any thread. Callbacks run on whichever thread completes the operation (the caller
 * when it completes at once, else core.async's dispatch pool), so they must not block: every
 * caller in this package only hops onto an event loop from them.
 */
public final class Chans {
    // requiring-resolve serialises loading on Clojure's require lock; never load lazily on a Netty thread
    private static final IFn CHAN = resolve("clojure.core.async/chan");
    private static final IFn OFFER = resolve("clojure.core.async/offer!");
    private static final IFn PUT = resolve("clojure.core.async/put!");
    private static final IFn POLL = resolve("clojure.core.async/poll!");
    private static final IFn TAKE = resolve("clojure.core.async/take!");
    private static final IFn CLOSE = resolve("clojure.core.async/close!");
    private static final IFn CLOSED = resolve("clojure.core.async.impl.protocols/closed?");
    private static final IFn BLOCKING_PUT = resolve("clojure.core.async/>!!");
    private static final IFn ALTS = resolve("clojure.core.async/alts!!");
    private static final IFn TIMEOUT = resolve("clojure.core.async/timeout");
    // the impl protocols, for the library's own puts and takes with a ReusableHandler
    private static final IFn IMPL_PUT = resolve("clojure.core.async.impl.protocols/put!");
    private static final IFn IMPL_TAKE = resolve("clojure.core.async.impl.protocols/take!");
    private static final Object TIMED_OUT = new Object();

    static {
        extendHandlerProtocol();
    }

    private Chans() {
    }

    private static IFn resolve(String qualifiedName) {
        IFn requiringResolve = Clojure.var("clojure.core", "requiring-resolve");
        return (IFn) requiringResolve.invoke(Clojure.read(qualifiedName));
    }

    /** core.async is not compiled ahead of time: its Handler protocol has no Java interface to implement. */
    private static void extendHandlerProtocol() {
        Object protocol = ((IDeref) resolve("clojure.core.async.impl.protocols/Handler")).deref();
        Clojure.var("clojure.core", "extend").invoke(ReusableHandler.class, protocol, RT.map(
                Keyword.intern("active?"), new AFn() {
                    @Override
                    public Object invoke(Object handler) {
                        return ((ReusableHandler) handler).isActive();
                    }
                },
                Keyword.intern("blockable?"), new AFn() {
                    @Override
                    public Object invoke(Object handler) {
                        return ((ReusableHandler) handler).isBlockable();
                    }
                },
                Keyword.intern("lock-id"), new AFn() {
                    @Override
                    public Object invoke(Object handler) {
                        return 0L;
                    }
                },
                Keyword.intern("commit"), new AFn() {
                    @Override
                    public Object invoke(Object handler) {
                        return ((ReusableHandler) handler).commit();
                    }
                }));
    }

    /** {@return an unbuffered channel, as {@code (chan)}} */
    public static Object chan() {
        return CHAN.invoke();
    }

    /**
     * A channel with a fixed buffer of {@code size} slots, as {@code (chan size)}.
     *
     * @param size the number of buffer slots
     * @return the channel
     */
    public static Object chan(int size) {
        return CHAN.invoke(size);
    }

    /**
     * {@code offer!}: true only if {@code value} was accepted at once. Never blocks.
     *
     * @param chan  a core.async channel
     * @param value the value; must not be {@code null}
     * @return true if a taker or a buffer slot took {@code value}, else false
     */
    public static boolean offer(Object chan, Object value) {
        return OFFER.invoke(chan, value) == Boolean.TRUE;
    }

    /**
     * {@code put!} with {@code on-caller? true}; {@code done} receives false if the channel is closed.
     *
     * @param chan  a core.async channel
     * @param value the value; must not be {@code null}
     * @param done  receives true once the value is taken or buffered, false if the channel is closed;
     *              must not block
     */
    public static void put(Object chan, Object value, Consumer<Boolean> done) {
        PUT.invoke(chan, value, new Callback(done), Boolean.TRUE);
    }

    /**
     * {@code poll!}: a value ready now, or null. Never blocks.
     *
     * @param chan a core.async channel
     * @return the value, or {@code null} if none is ready
     */
    public static Object poll(Object chan) {
        return POLL.invoke(chan);
    }

    /**
     * {@code take!} with {@code on-caller? true}; {@code done} receives null once the channel is closed.
     *
     * @param chan a core.async channel
     * @param done receives the value, or {@code null} once the channel is closed and drained; must not block
     */
    public static void take(Object chan, Consumer<Object> done) {
        TAKE.invoke(chan, new Callback(done), Boolean.TRUE);
    }

    /**
     * {@code take!} through core.async's impl protocol with a handler reused from one take to the
     * next; nothing is allocated for the take itself.
     *
     * @param chan    a core.async channel
     * @param handler armed by this call; must not have an operation outstanding
     * @return the value if one was ready, {@code null} if the channel is closed and drained, else
     *         {@link ReusableHandler#PENDING}: the value goes to the handler's callback later
     */
    static Object take(Object chan, ReusableHandler handler) {
        handler.arm();
        Object ready = IMPL_TAKE.invoke(chan, handler);
        return ready == null ? ReusableHandler.PENDING : ((IDeref) ready).deref();
    }

    /**
     * {@code put!} through core.async's impl protocol with a handler reused from one put to the
     * next: {@code offer!} and, when that fails, a pending {@code put!}, in one call.
     *
     * @param chan    a core.async channel
     * @param value   the value; must not be {@code null}
     * @param handler armed by this call; must not have an operation outstanding
     * @return {@code Boolean.TRUE} if taken or buffered now, {@code Boolean.FALSE} if the channel is
     *         closed, else {@link ReusableHandler#PENDING}: the handler's callback gets the answer later
     */
    static Object put(Object chan, Object value, ReusableHandler handler) {
        handler.arm();
        Object ready = IMPL_PUT.invoke(chan, value, handler);
        return ready == null ? ReusableHandler.PENDING : ((IDeref) ready).deref();
    }

    /**
     * {@code close!}; idempotent.
     *
     * @param chan a core.async channel
     */
    public static void close(Object chan) {
        CLOSE.invoke(chan);
    }

    /**
     * Whether {@code close!} has been called on {@code chan}; values may still be buffered.
     *
     * @param chan a core.async channel
     * @return true once the channel is closed
     */
    public static boolean isClosed(Object chan) {
        return CLOSED.invoke(chan) == Boolean.TRUE;
    }

    /**
     * {@code >!!}: blocks until taken or buffered; false once the channel is closed. Never on an event loop.
     *
     * @param chan  a core.async channel
     * @param value the value; must not be {@code null}
     * @return true once taken or buffered, false if the channel is closed
     */
    public static boolean blockingPut(Object chan, Object value) {
        return BLOCKING_PUT.invoke(chan, value) == Boolean.TRUE;
    }

    /**
     * {@code alts!!} against a timeout: blocks up to {@code millis} and returns the value taken,
     * null when the channel is closed, or {@link #timedOut()} when nothing came in time. Unlike
     * a bare take, a timed-out wait leaves no pending take behind to swallow a later value.
     * Never on an event loop.
     *
     * @param chan   a core.async channel
     * @param millis the longest wait, in milliseconds
     * @return the value, {@code null} if the channel is closed, or {@link #timedOut()}
     */
    public static Object takeWithin(Object chan, long millis) {
        clojure.lang.Indexed result = (clojure.lang.Indexed) ALTS.invoke(
                clojure.lang.RT.vector(chan, TIMEOUT.invoke(millis)));
        return result.nth(1) == chan ? result.nth(0) : TIMED_OUT;
    }

    /** {@return the marker {@link #takeWithin} returns on timeout} */
    public static Object timedOut() {
        return TIMED_OUT;
    }

    /** Adapts a Java callback to the one-argument fn core.async calls (an IObj: core.async adds metadata). */
    private static final class Callback extends AFunction {
        private final Consumer<Object> done;

        @SuppressWarnings("unchecked")
        Callback(Consumer<?> done) {
            this.done = (Consumer<Object>) done;
        }

        @Override
        public Object invoke(Object value) {
            done.accept(value);
            return null;
        }
    }
}
