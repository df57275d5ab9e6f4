/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl;

import clojure.lang.IPersistentMap;
import clojure.lang.Keyword;
import clojure.lang.RT;
import java.net.SocketAddress;
import java.security.Principal;
import java.util.Map;

/**
 * The keywords that cross into Clojure: status events on read-chan and the keys of returned maps.
 *
 * <h2>Threading</h2>
 * Immutable constants.
 */
public final class Keywords {
    public static final Keyword CONNECTED = Keyword.intern("connected");
    public static final Keyword DISCONNECTED = Keyword.intern("disconnected");
    public static final Keyword CLOSED = Keyword.intern("closed");

    public static final Keyword READ_CHAN = Keyword.intern("read-chan");
    public static final Keyword WRITE_CHAN = Keyword.intern("write-chan");
    public static final Keyword REMOTE_ADDRESS = Keyword.intern("remote-address");
    public static final Keyword PEER_PRINCIPAL = Keyword.intern("peer-principal");

    private Keywords() {
    }

    /**
     * {@code {:read-chan r :write-chan w}}, plus {@code :remote-address} and
     * {@code :peer-principal} for those that are known (not {@code null}).
     */
    public static Map<?, ?> socketMap(Object readChan, Object writeChan, SocketAddress remoteAddress,
                                      Principal peerPrincipal) {
        IPersistentMap map = (IPersistentMap) RT.mapUniqueKeys(READ_CHAN, readChan, WRITE_CHAN, writeChan);
        if (remoteAddress != null) {
            map = map.assoc(REMOTE_ADDRESS, remoteAddress);
        }
        if (peerPrincipal != null) {
            map = map.assoc(PEER_PRINCIPAL, peerPrincipal);
        }
        return (Map<?, ?>) map;
    }
}
