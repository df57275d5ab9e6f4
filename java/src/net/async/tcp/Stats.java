/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import clojure.lang.IPersistentMap;
import clojure.lang.Keyword;
import clojure.lang.PersistentArrayMap;
import clojure.lang.PersistentHashMap;
import java.net.SocketAddress;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a connection, an acceptor or a whole event loop has done so far: an immutable snapshot.
 * Counters only grow; an acceptor's and a loop's include the connections that have ended.
 *
 * <pre>
 * Stats s = client.stats();
 * s.messagesIn();                              // payloads read from the peer
 * s.disconnects().get(Stats.Cause.HEARTBEAT_TIMEOUT);
 * s.toMap();                                   // {:state :connected, :messages-in 12, ...} for Clojure
 * </pre>
 *
 * <h2>Threading</h2>
 * Immutable.
 *
 * @param state           {@code "connected"}, {@code "disconnected"}, … for a connection; {@code
 *                        "accepting"} or {@code "closed"} for an acceptor; {@code "running"} or
 *                        {@code "shut down"} for a loop
 * @param connections     connections alive now (1 or 0 for a connection)
 * @param connects        links that came up, a connection's first included
 * @param failedDials     dials or handshakes that failed
 * @param reconnects      links that came up after a connection's first
 * @param disconnects     links that went down, by cause
 * @param messagesIn      payloads read from peers
 * @param bytesIn         their bytes
 * @param messagesOut     payloads written to peers (again after a reconnect, if they had to be)
 * @param bytesOut        their bytes
 * @param heartbeatsIn    heartbeats read
 * @param heartbeatsOut   heartbeats written
 * @param waitingIn       messages read and waiting for read-chan to take them
 * @param waitingOut      messages taken from write-chan and not yet written (or, with sessions,
 *                        not yet acknowledged)
 * @param sessionsResumed links that resumed a session
 * @param sessionsLost    sessions lost: a client's that could not be resumed, a server's that
 *                        expired or was evicted
 * @param accepted        links an acceptor accepted
 * @param rejected        links it closed because {@code max-connections} were alive
 * @param evicted         detached sessions it evicted
 * @param handshakesRefused links it closed at once, in session mode, because {@code max-handshakes}
 *                        links had not said HELLO yet
 * @param sessionsRefused new sessions it refused, in session mode, because {@code max-pending-sessions}
 *                        were waiting for accept-chan to take them
 * @param handshaking     links that have not said HELLO yet, now (session mode)
 * @param pendingSessions new sessions waiting for accept-chan to take them, now (session mode)
 * @param rejectedWrites  values taken from write-chan and dropped: not a {@code byte[]}, or
 *                        longer than {@code max-frame-size} (a put cannot throw, so they are counted)
 * @param server          a client connection's server: the (resolved) address its link is on, or
 *                        the last one was on; {@code null} before its first link and for a loop,
 *                        an acceptor or an accepted connection
 */
public record Stats(String state, long connections, long connects, long failedDials, long reconnects,
                    Map<Cause, Long> disconnects, long messagesIn, long bytesIn, long messagesOut, long bytesOut,
                    long heartbeatsIn, long heartbeatsOut, long waitingIn, long waitingOut, long sessionsResumed,
                    long sessionsLost, long accepted, long rejected, long evicted, long handshakesRefused,
                    long sessionsRefused, long handshaking, long pendingSessions, SocketAddress server,
                    long rejectedWrites) {
    /** Why a link went down. */
    public enum Cause {
        /** The peer reset it, or the network failed. */
        RESET,
        /** The peer closed it, or left it for a new one (a session taken over). */
        PEER_CLOSED,
        /** Nothing came for heartbeat-timeout: stuck. */
        HEARTBEAT_TIMEOUT,
        /** The peer sent a frame this end refuses (too long, malformed, a session mismatch). */
        BAD_FRAME,
        /** TLS failed after the handshake. */
        TLS,
        /** The event loop shut down. */
        SHUTDOWN;

        /** {@return the keyword Clojure sees, e.g. {@code :heartbeat-timeout}} */
        public Keyword keyword() {
            return Keyword.intern(name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
    }

    /**
     * A snapshot; {@code disconnects} is copied, every cause present (0 if missing).
     *
     * @param state see the class comment; must not be {@code null}
     * @param connections see the class comment
     * @param connects see the class comment
     * @param failedDials see the class comment
     * @param reconnects see the class comment
     * @param disconnects see the class comment; must not be {@code null}
     * @param messagesIn see the class comment
     * @param bytesIn see the class comment
     * @param messagesOut see the class comment
     * @param bytesOut see the class comment
     * @param heartbeatsIn see the class comment
     * @param heartbeatsOut see the class comment
     * @param waitingIn see the class comment
     * @param waitingOut see the class comment
     * @param sessionsResumed see the class comment
     * @param sessionsLost see the class comment
     * @param accepted see the class comment
     * @param rejected see the class comment
     * @param evicted see the class comment
     * @param handshakesRefused see the class comment
     * @param sessionsRefused see the class comment
     * @param handshaking see the class comment
     * @param pendingSessions see the class comment
     * @param server see the class comment; may be {@code null}
     * @param rejectedWrites see the class comment
     */
    public Stats {
        java.util.Objects.requireNonNull(state, "state");
        EnumMap<Cause, Long> copy = new EnumMap<>(Cause.class);
        for (Cause cause : Cause.values()) {
            copy.put(cause, disconnects.getOrDefault(cause, 0L));
        }
        disconnects = Collections.unmodifiableMap(copy);
    }

    /**
     * A snapshot without the session acceptor's admission counts (all 0), as before they existed.
     *
     * @param state see the class comment; must not be {@code null}
     * @param connections see the class comment
     * @param connects see the class comment
     * @param failedDials see the class comment
     * @param reconnects see the class comment
     * @param disconnects see the class comment; must not be {@code null}
     * @param messagesIn see the class comment
     * @param bytesIn see the class comment
     * @param messagesOut see the class comment
     * @param bytesOut see the class comment
     * @param heartbeatsIn see the class comment
     * @param heartbeatsOut see the class comment
     * @param waitingIn see the class comment
     * @param waitingOut see the class comment
     * @param sessionsResumed see the class comment
     * @param sessionsLost see the class comment
     * @param accepted see the class comment
     * @param rejected see the class comment
     * @param evicted see the class comment
     */
    public Stats(String state, long connections, long connects, long failedDials, long reconnects,
                 Map<Cause, Long> disconnects, long messagesIn, long bytesIn, long messagesOut, long bytesOut,
                 long heartbeatsIn, long heartbeatsOut, long waitingIn, long waitingOut, long sessionsResumed,
                 long sessionsLost, long accepted, long rejected, long evicted) {
        this(state, connections, connects, failedDials, reconnects, disconnects, messagesIn, bytesIn, messagesOut,
                bytesOut, heartbeatsIn, heartbeatsOut, waitingIn, waitingOut, sessionsResumed, sessionsLost, accepted,
                rejected, evicted, 0, 0, 0, 0, null, 0);
    }

    /**
     * A snapshot that names no server (a loop's, an acceptor's, an accepted connection's).
     *
     * @param state see the class comment; must not be {@code null}
     * @param connections see the class comment
     * @param connects see the class comment
     * @param failedDials see the class comment
     * @param reconnects see the class comment
     * @param disconnects see the class comment; must not be {@code null}
     * @param messagesIn see the class comment
     * @param bytesIn see the class comment
     * @param messagesOut see the class comment
     * @param bytesOut see the class comment
     * @param heartbeatsIn see the class comment
     * @param heartbeatsOut see the class comment
     * @param waitingIn see the class comment
     * @param waitingOut see the class comment
     * @param sessionsResumed see the class comment
     * @param sessionsLost see the class comment
     * @param accepted see the class comment
     * @param rejected see the class comment
     * @param evicted see the class comment
     * @param handshakesRefused see the class comment
     * @param sessionsRefused see the class comment
     * @param handshaking see the class comment
     * @param pendingSessions see the class comment
     */
    public Stats(String state, long connections, long connects, long failedDials, long reconnects,
                 Map<Cause, Long> disconnects, long messagesIn, long bytesIn, long messagesOut, long bytesOut,
                 long heartbeatsIn, long heartbeatsOut, long waitingIn, long waitingOut, long sessionsResumed,
                 long sessionsLost, long accepted, long rejected, long evicted, long handshakesRefused,
                 long sessionsRefused, long handshaking, long pendingSessions) {
        this(state, connections, connects, failedDials, reconnects, disconnects, messagesIn, bytesIn, messagesOut,
                bytesOut, heartbeatsIn, heartbeatsOut, waitingIn, waitingOut, sessionsResumed, sessionsLost, accepted,
                rejected, evicted, handshakesRefused, sessionsRefused, handshaking, pendingSessions, null, 0);
    }

    /** {@return every link that went down, whatever the cause} */
    public long disconnectsTotal() {
        return disconnects.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The Clojure view: a plain map with keyword keys, {@code :disconnects} a map by cause.
     *
     * @return an immutable Clojure map
     */
    public IPersistentMap toMap() {
        IPersistentMap causes = PersistentArrayMap.EMPTY;
        for (Map.Entry<Cause, Long> entry : disconnects.entrySet()) {
            causes = causes.assoc(entry.getKey().keyword(), entry.getValue());
        }
        Object[] entries = {
            key("state"), Keyword.intern(state.replace(' ', '-')), key("connections"), connections,
            key("connects"), connects, key("failed-dials"), failedDials, key("reconnects"), reconnects,
            key("disconnects"), causes, key("messages-in"), messagesIn, key("bytes-in"), bytesIn,
            key("messages-out"), messagesOut, key("bytes-out"), bytesOut, key("heartbeats-in"), heartbeatsIn,
            key("heartbeats-out"), heartbeatsOut, key("waiting-in"), waitingIn, key("waiting-out"), waitingOut,
            key("sessions-resumed"), sessionsResumed, key("sessions-lost"), sessionsLost,
            key("accepted"), accepted, key("rejected"), rejected, key("evicted"), evicted,
            key("handshakes-refused"), handshakesRefused, key("sessions-refused"), sessionsRefused,
            key("handshaking"), handshaking, key("pending-sessions"), pendingSessions,
            key("rejected-writes"), rejectedWrites};
        IPersistentMap map = PersistentHashMap.create(entries);
        return server == null ? map : map.assoc(key("server"), server);
    }

    private static Keyword key(String name) {
        return Keyword.intern(name);
    }
}
