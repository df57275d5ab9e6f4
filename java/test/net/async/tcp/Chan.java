/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import clojure.java.api.Clojure;
import clojure.lang.IFn;
import clojure.lang.Keyword;
import clojure.lang.PersistentVector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Bounded waits on core.async channels, for tests: every take and put gives up after a timeout,
 * so a hang becomes a failed assertion instead of a stuck build.
 *
 * <pre>
 * assertEquals(List.of(CONNECTED, "abc", CLOSED), Chan.take(client.readChan(), 3));  // byte[] as UTF-8
 * Chan.put(client.writeChan(), Chan.bytes("abc"));
 * Chan.assertNothingFor(client.readChan(), Duration.ofMillis(500));
 * </pre>
 *
 * <h3>Threading</h3>
 * Stateless; blocks the calling thread, so never call it on an event loop.
 */
public final class Chan {
    public static final Keyword CONNECTED = Keyword.intern("connected");
    public static final Keyword DISCONNECTED = Keyword.intern("disconnected");
    public static final Keyword CLOSED = Keyword.intern("closed");
    public static final Keyword SESSION_LOST = Keyword.intern("session-lost");
    public static final Keyword READ_CHAN = Keyword.intern("read-chan");
    public static final Keyword WRITE_CHAN = Keyword.intern("write-chan");

    /** Generous: the suite shares two cores with other builds. Passing tests never wait this long. */
    public static final Duration WAIT = Duration.ofSeconds(10);

    private static final IFn CHAN = resolve("clojure.core.async/chan");
    private static final IFn ALTS = resolve("clojure.core.async/alts!!");
    private static final IFn TIMEOUT = resolve("clojure.core.async/timeout");
    private static final IFn PUT = resolve("clojure.core.async/put!");
    private static final IFn OFFER = resolve("clojure.core.async/offer!");
    private static final IFn POLL = resolve("clojure.core.async/poll!");
    private static final IFn CLOSE = resolve("clojure.core.async/close!");
    private static final Keyword PRIORITY = Keyword.intern("priority");

    private Chan() {
    }

    private static IFn resolve(String qualifiedName) {
        return (IFn) Clojure.var("clojure.core", "requiring-resolve").invoke(Clojure.read(qualifiedName));
    }

    public static Object chan() {
        return CHAN.invoke();
    }

    public static Object chan(int size) {
        return CHAN.invoke(size);
    }

    public static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    /** The next value, with byte[] turned into a UTF-8 string; null once closed; fails after {@link #WAIT}. */
    public static Object take(Object ch) {
        return readable(takeRaw(ch, WAIT));
    }

    /** The next {@code n} values, byte[] turned into UTF-8 strings, for one {@code assertEquals}. */
    public static List<Object> take(Object ch, int n) {
        List<Object> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Object value = take(ch);
            values.add(value);
            if (value == null) {
                break; // closed: the rest would be nil too
            }
        }
        return values;
    }

    /** The next value as it is (byte[] stays byte[]); null once closed; fails after {@code timeout}. */
    public static Object takeRaw(Object ch, Duration timeout) {
        Object timer = TIMEOUT.invoke(timeout.toMillis());
        PersistentVector result = (PersistentVector) ALTS.invoke(PersistentVector.create(ch, timer), PRIORITY, true);
        if (result.nth(1) == timer) {
            throw new AssertionError("nothing arrived on the channel within " + timeout);
        }
        return result.nth(0);
    }

    /** Takes nothing for {@code quiet}; fails on any value (or on a close). */
    public static void assertNothingFor(Object ch, Duration quiet) {
        Object timer = TIMEOUT.invoke(quiet.toMillis());
        PersistentVector result = (PersistentVector) ALTS.invoke(PersistentVector.create(ch, timer), PRIORITY, true);
        if (result.nth(1) != timer) {
            throw new AssertionError("expected silence for " + quiet + ", got " + readable(result.nth(0)));
        }
    }

    /** The last two things a connection's read-chan ever does: yield {@code :closed}, then close. */
    public static void assertClosesNext(Object readChan) {
        assertEquals(CLOSED, take(readChan));
        assertNull(take(readChan), "read-chan must be closed after :closed");
    }

    /** Puts {@code value}; fails if the channel does not take it within {@link #WAIT} or is closed. */
    public static void put(Object ch, Object value) {
        if (!tryPut(ch, value, WAIT)) {
            throw new AssertionError("the channel did not take the value within " + WAIT);
        }
    }

    /** True when {@code value} was taken within {@code timeout}; false on timeout (the put is withdrawn). */
    public static boolean tryPut(Object ch, Object value, Duration timeout) {
        Object timer = TIMEOUT.invoke(timeout.toMillis());
        PersistentVector op = PersistentVector.create(ch, value);
        PersistentVector result = (PersistentVector) ALTS.invoke(PersistentVector.create(op, timer), PRIORITY, true);
        if (result.nth(1) == timer) {
            return false;
        }
        if (result.nth(0) != Boolean.TRUE) {
            throw new AssertionError("the channel is closed");
        }
        return true;
    }

    /** A {@code put!} that does not wait: the future completes with true once taken, false if closed. */
    public static CompletableFuture<Boolean> putAsync(Object ch, Object value) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        PUT.invoke(ch, value, new clojure.lang.AFunction() {
            @Override
            public Object invoke(Object accepted) {
                done.complete((Boolean) accepted);
                return null;
            }
        });
        return done;
    }

    public static boolean offer(Object ch, Object value) {
        return OFFER.invoke(ch, value) == Boolean.TRUE;
    }

    public static Object poll(Object ch) {
        return POLL.invoke(ch);
    }

    public static void close(Object ch) {
        CLOSE.invoke(ch);
    }

    private static Object readable(Object value) {
        return value instanceof byte[] b ? new String(b, UTF_8) : value;
    }
}
