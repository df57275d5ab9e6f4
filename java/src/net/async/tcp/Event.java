/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import clojure.lang.Keyword;
import java.net.SocketAddress;
import net.async.tcp.impl.chan.Keywords;

/**
 * One value from a read-chan, typed for Java: a status change or a message.
 *
 * <pre>
 * Event event = client.read(Duration.ofSeconds(5));
 * switch (event.kind()) {
 *     case CONNECTED    -&gt; log("up");
 *     case MESSAGE      -&gt; handle(event.payload());
 *     case DISCONNECTED -&gt; log("down, reconnecting");
 *     case CLOSED       -&gt; log("closed for good");
 * }
 * </pre>
 *
 * <h2>Threading</h2>
 * Immutable, except that the payload array belongs to the receiver.
 *
 * <p>A client's {@link Kind#CONNECTED} read through {@link ClientSocket#read} or
 * {@link ClientSocket#readAsync} names the server the link is on ({@link #server()}): with
 * several servers, which one took it. That is news, not identity: two events are equal when
 * their kind and payload are, so {@code event.equals(Event.CONNECTED)} holds for every
 * {@code :connected}.
 *
 * @param kind    what happened
 * @param payload the message for {@link Kind#MESSAGE}, else {@code null}
 * @param server  for a client's {@link Kind#CONNECTED}: the server's address (resolved) when the
 *                event was read; else {@code null}
 */
public record Event(Kind kind, byte[] payload, SocketAddress server) {
    /**
     * An event that names no server.
     *
     * @param kind    what happened
     * @param payload the message for {@link Kind#MESSAGE}, else {@code null}
     */
    public Event(Kind kind, byte[] payload) {
        this(kind, payload, null);
    }

    /**
     * The read-chan values of the Clojure API: {@code :connected}, {@code byte[]}, {@code :disconnected},
     * {@code :session-lost}, {@code :closed}.
     */
    public enum Kind {
        /** A link is up: {@code :connected}. */
        CONNECTED,
        /** A payload: {@code byte[]}. */
        MESSAGE,
        /** The link is down; a client redials, an accepted session waits for its client: {@code :disconnected}. */
        DISCONNECTED,
        /**
         * Session mode, clients only: the session could not be resumed (the server restarted, or it
         * expired) and a new one starts, carrying again the messages the old one had not seen
         * acknowledged: {@code :session-lost}.
         */
        SESSION_LOST,
        /** The connection has ended for good: {@code :closed}, or a closed read-chan. */
        CLOSED
    }

    /** The {@code :connected} event. */
    public static final Event CONNECTED = new Event(Kind.CONNECTED, null);
    /** The {@code :disconnected} event. */
    public static final Event DISCONNECTED = new Event(Kind.DISCONNECTED, null);
    /** The {@code :session-lost} event. */
    public static final Event SESSION_LOST = new Event(Kind.SESSION_LOST, null);
    /** The {@code :closed} event. */
    public static final Event CLOSED = new Event(Kind.CLOSED, null);

    /**
     * A message event.
     *
     * @param payload the message; not copied
     * @return the event, of kind {@link Kind#MESSAGE}
     */
    public static Event message(byte[] payload) {
        return new Event(Kind.MESSAGE, payload);
    }

    /**
     * A client's {@code :connected}, naming its server.
     *
     * @param server the address of the server the link is on, or {@code null} if unknown
     * @return the event, of kind {@link Kind#CONNECTED}
     */
    public static Event connected(SocketAddress server) {
        return server == null ? CONNECTED : new Event(Kind.CONNECTED, null, server);
    }

    /** {@return whether this is a {@link Kind#MESSAGE}} */
    public boolean isMessage() {
        return kind == Kind.MESSAGE;
    }

    /**
     * The event for a value taken from a read-chan; {@code null}, a closed channel, reads as
     * {@link #CLOSED}.
     *
     * @param value a value taken from a read-chan, or {@code null}
     * @return the event; a {@code byte[]} is not copied
     * @throws IllegalArgumentException for a value the library never puts on a read-chan
     */
    public static Event of(Object value) {
        if (value instanceof byte[] bytes) {
            return message(bytes);
        }
        if (value == null || value == Keywords.CLOSED) {
            return CLOSED;
        }
        if (value == Keywords.CONNECTED) {
            return CONNECTED;
        }
        if (value == Keywords.DISCONNECTED) {
            return DISCONNECTED;
        }
        if (value == Keywords.SESSION_LOST) {
            return SESSION_LOST;
        }
        throw new IllegalArgumentException("not a read-chan value: " + value);
    }

    /** {@return the Clojure keyword of a status event, or {@code null} for a message} */
    public Keyword keyword() {
        return switch (kind) {
            case CONNECTED -> Keywords.CONNECTED;
            case DISCONNECTED -> Keywords.DISCONNECTED;
            case SESSION_LOST -> Keywords.SESSION_LOST;
            case CLOSED -> Keywords.CLOSED;
            case MESSAGE -> null;
        };
    }

    /** Equal kinds and the same payload array: the server an event names is not part of it. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Event event && kind == event.kind && payload == event.payload;
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + System.identityHashCode(payload);
    }

    @Override
    public String toString() {
        return isMessage() ? "MESSAGE(" + payload.length + " bytes)"
                : server == null ? kind.name() : kind.name() + "(" + server + ")";
    }
}
