/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.chan;

import clojure.lang.IPersistentMap;
import clojure.lang.Keyword;
import clojure.lang.RT;
import java.net.SocketAddress;
import java.security.Principal;
import java.util.Map;
import java.util.function.Supplier;
import net.async.tcp.Stats;

/**
 * The keywords that cross into Clojure: status events on read-chan and the keys of returned maps.
 *
 * <h2>Threading</h2>
 * Immutable constants.
 */
public final class Keywords {
    /** {@code :connected}, on read-chan when a link is up. */
    public static final Keyword CONNECTED = Keyword.intern("connected");
    /** {@code :disconnected}, on a client's read-chan when its link is down. */
    public static final Keyword DISCONNECTED = Keyword.intern("disconnected");
    /** {@code :session-lost}, on a client's read-chan when its session could not be resumed and a new one starts. */
    public static final Keyword SESSION_LOST = Keyword.intern("session-lost");
    /** {@code :closed}, the last value on read-chan. */
    public static final Keyword CLOSED = Keyword.intern("closed");

    /** {@code :read-chan}, a socket map's key. */
    public static final Keyword READ_CHAN = Keyword.intern("read-chan");
    /** {@code :write-chan}, a socket map's key. */
    public static final Keyword WRITE_CHAN = Keyword.intern("write-chan");
    /** {@code :remote-address}, an accepted socket map's key. */
    public static final Keyword REMOTE_ADDRESS = Keyword.intern("remote-address");
    /** {@code :net.async.tcp/stats}, a socket map's key: what {@code (stats socket)} reads. */
    public static final Keyword STATS = Keyword.intern("net.async.tcp", "stats");
    /** In the map {@code event-loop} returns: the {@code EventLoop}. */
    public static final Keyword LOOP = Keyword.intern("net.async.tcp", "loop");
    /** In the map {@code accept} returns: the {@code AcceptSocket}. */
    public static final Keyword ACCEPTOR = Keyword.intern("net.async.tcp", "acceptor");
    /** {@code :peer-principal}, an accepted TLS socket map's key, with client authentication. */
    public static final Keyword PEER_PRINCIPAL = Keyword.intern("peer-principal");

    private Keywords() {
    }

    /**
     * {@code {:read-chan r :write-chan w}}, plus {@code :remote-address} and
     * {@code :peer-principal} for those that are known (not {@code null}).
     *
     * @param readChan      the read-chan
     * @param writeChan     the write-chan
     * @param remoteAddress the peer's address, or {@code null}
     * @param peerPrincipal the peer's certificate principal, or {@code null}
     * @param stats         the connection's numbers, or {@code null} for channels of unknown origin
     * @return a persistent Clojure map
     */
    public static Map<?, ?> socketMap(Object readChan, Object writeChan, SocketAddress remoteAddress,
                                      Principal peerPrincipal, Supplier<Stats> stats) {
        IPersistentMap map = (IPersistentMap) RT.mapUniqueKeys(READ_CHAN, readChan, WRITE_CHAN, writeChan);
        if (stats != null) {
            map = map.assoc(STATS, stats);
        }
        if (remoteAddress != null) {
            map = map.assoc(REMOTE_ADDRESS, remoteAddress);
        }
        if (peerPrincipal != null) {
            map = map.assoc(PEER_PRINCIPAL, peerPrincipal);
        }
        return (Map<?, ?>) map;
    }
}
