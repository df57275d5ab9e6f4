/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.loop;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import net.async.tcp.impl.Checks;

/**
 * Where a client dials or an acceptor listens: a host and port over TCP, or the path of a Unix
 * domain socket. A TCP host stays a name, so that every dial looks it up afresh.
 *
 * <h2>Threading</h2>
 * Immutable.
 *
 * @param host the host name or address, or {@code null}: the wildcard address for an acceptor, a Unix socket
 * @param port 0..65535; unused for a Unix socket
 * @param path the Unix domain socket's file, or {@code null} for TCP
 */
public record Remote(String host, int port, Path path) {
    /**
     * A TCP address.
     *
     * @param host the host name or address, or {@code null} for an acceptor's wildcard address
     * @param port 0..65535
     * @return the address
     */
    public static Remote tcp(String host, int port) {
        return new Remote(host, Checks.port(port), null);
    }

    /**
     * A Unix domain socket.
     *
     * @param path its file
     * @return the address
     */
    public static Remote unix(Path path) {
        return new Remote(null, 0, Checks.unixPath(path));
    }

    /** {@return whether this is a Unix domain socket} */
    public boolean isUnix() {
        return path != null;
    }

    /** {@return the address as users see it: the host and port, unresolved, or the socket file} */
    public SocketAddress address() {
        return isUnix() ? java.net.UnixDomainSocketAddress.of(path) : InetSocketAddress.createUnresolved(host, port);
    }

    /** The address to dial: unresolved for TCP, so the off-loop resolver looks it up at each dial. */
    SocketAddress toDialAddress(Transport transport) {
        return isUnix() ? transport.unixAddress(path) : InetSocketAddress.createUnresolved(host, port);
    }

    /** The address to bind. */
    public SocketAddress toBindAddress(Transport transport) {
        if (isUnix()) {
            return transport.unixAddress(path);
        }
        return host == null ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return isUnix() ? "unix:" + path : (host == null ? "*" : host) + ":" + port;
    }
}
