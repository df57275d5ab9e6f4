/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import java.net.BindException;
import java.net.InetSocketAddress;
import net.async.tcp.impl.Acceptor;
import net.async.tcp.impl.Checks;
import net.async.tcp.impl.Connection;
import net.async.tcp.impl.Transport;

/**
 * The entry point, one static method per function of the Clojure namespace {@code net.async.tcp}
 * (which calls these).
 *
 * <pre>
 * EventLoop loop = Tcp.eventLoop();
 * AcceptSocket server = Tcp.accept(loop, null, 0, AcceptOptions.defaults());   // wildcard, any port
 * ClientSocket client = Tcp.connect(loop, "127.0.0.1", server.port(), ConnectOptions.defaults());
 * // client.readChan() yields :connected, then byte[] payloads; put byte[] on client.writeChan()
 * Tcp.shutdown(loop);
 * </pre>
 *
 * <h3>Threading</h3>
 * Stateless; every method may be called from any thread except a Netty event loop for
 * {@link #accept} and {@link #shutdown}, which block briefly.
 */
public final class Tcp {
    private Tcp() {
    }

    /** A new event loop with one network thread. */
    public static EventLoop eventLoop() {
        return new EventLoop(Transport.best());
    }

    /**
     * A client connection that dials at once and redials forever, until its write-chan is closed
     * or the loop shuts down. Returns before any network activity; a server need not exist yet.
     *
     * @param host the server's host name or address; must not be {@code null}
     * @throws IllegalArgumentException for a bad port
     * @throws IllegalStateException    when {@code loop} is shut down
     */
    public static ClientSocket connect(EventLoop loop, String host, int port, ConnectOptions options) {
        Checks.notNull(host, "host");
        Checks.port(port);
        Connection connection = Connection.client(loop.reactor(), options.readChanOrNew(), options.writeChanOrNew(),
                options.settings(), host, port, options.reconnectPeriodMillis());
        connection.start();
        return new ClientSocket(connection.readChan(), connection.writeChan());
    }

    /**
     * Binds at once and accepts connections until accept-chan is closed or the loop shuts down.
     *
     * @param host the address to bind, or {@code null} for the wildcard address
     * @param port the port, or 0 for any free one (see {@link AcceptSocket#port()})
     * @throws BindException            when the port is taken
     * @throws IllegalArgumentException for a bad port
     * @throws IllegalStateException    when {@code loop} is shut down
     */
    public static AcceptSocket accept(EventLoop loop, String host, int port, AcceptOptions options)
            throws BindException {
        Checks.port(port);
        InetSocketAddress at = host == null ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        Acceptor acceptor = new Acceptor(loop.reactor(), options.acceptChanOrNew(), options.readChanFactory(),
                options.writeChanFactory(), options.settings());
        int bound = acceptor.bind(at);
        return new AcceptSocket(acceptor.acceptChan(), bound);
    }

    /** Shuts {@code loop} down; see {@link EventLoop#close()}. */
    public static void shutdown(EventLoop loop) {
        loop.close();
    }
}
