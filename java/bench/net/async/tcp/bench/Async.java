/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import clojure.java.api.Clojure;
import clojure.lang.AFunction;
import clojure.lang.IFn;
import clojure.lang.IPersistentVector;
import clojure.lang.Indexed;
import clojure.lang.Keyword;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a Java user of net.async calls: core.async's blocking {@code >!!} and {@code <!!} through
 * {@code clojure.java.api.Clojure}, plus reading the maps accept-chan yields.
 *
 * <h3>Threading</h3>
 * Stateless. The blocking calls are for user threads only, never a Netty event loop; the
 * callbacks of the async ones run on core.async's threads and must not block.
 */
final class Async {
    static {
        Clojure.var("clojure.core", "require").invoke(Clojure.read("clojure.core.async"));
    }

    private static final IFn PUT = Clojure.var("clojure.core.async", ">!!");
    private static final IFn TAKE = Clojure.var("clojure.core.async", "<!!");
    private static final IFn CHAN = Clojure.var("clojure.core.async", "chan");
    private static final IFn PUT_ASYNC = Clojure.var("clojure.core.async", "put!");
    private static final IFn TAKE_ASYNC = Clojure.var("clojure.core.async", "take!");
    private static final IFn ALTS = Clojure.var("clojure.core.async", "alts!!");
    private static final Keyword READ_CHAN = Keyword.intern("read-chan");
    private static final Keyword WRITE_CHAN = Keyword.intern("write-chan");

    private Async() {
    }

    static Object chan() {
        return CHAN.invoke();
    }

    static Object chan(int size) {
        return CHAN.invoke(size);
    }

    /** {@code >!!}: false once the channel is closed. */
    static boolean put(Object chan, Object value) {
        return PUT.invoke(chan, value) == Boolean.TRUE;
    }

    /** {@code <!!}: null once the channel is closed and drained. */
    static Object take(Object chan) {
        return TAKE.invoke(chan);
    }

    /**
     * {@code alts!!}: blocks until one of {@code ops} completes, a chan to take from or a
     * {@code [chan value]} to put, and returns {@code [value port]}: the value taken (null once
     * closed), or for a put true, or false once closed.
     */
    static Indexed alts(IPersistentVector ops) {
        return (Indexed) ALTS.invoke(ops);
    }

    /** {@code put!} with a callback, which gets false once the channel is closed; never blocks. */
    static void putAsync(Object chan, Object value, Consumer<Object> done) {
        PUT_ASYNC.invoke(chan, value, callback(done));
    }

    /** {@code take!} with a callback, which gets null once the channel is closed; never blocks. */
    static void takeAsync(Object chan, Consumer<Object> done) {
        TAKE_ASYNC.invoke(chan, callback(done));
    }

    private static IFn callback(Consumer<Object> done) {
        return new AFunction() {
            @Override
            public Object invoke(Object value) {
                done.accept(value);
                return null;
            }
        };
    }

    /** The next {@code byte[]} on a read-chan, skipping {@code :connected}; null on anything else. */
    static byte[] takeBytes(Object readChan) {
        while (true) {
            Object value = take(readChan);
            if (value instanceof byte[] bytes) {
                return bytes;
            }
            if (value != net.async.tcp.impl.chan.Keywords.CONNECTED) {
                return null;
            }
        }
    }

    static Object readChan(Object acceptedSocket) {
        return ((Map<?, ?>) acceptedSocket).get(READ_CHAN);
    }

    static Object writeChan(Object acceptedSocket) {
        return ((Map<?, ?>) acceptedSocket).get(WRITE_CHAN);
    }
}
