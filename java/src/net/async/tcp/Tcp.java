/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.async.tcp.impl.server.Acceptor;
import net.async.tcp.impl.Checks;
import net.async.tcp.impl.link.Connection;
import net.async.tcp.impl.link.DialPlan;
import net.async.tcp.impl.loop.Remote;
import net.async.tcp.impl.session.SessionProtocol;

/**
 * The entry point for Java callers, one static method per function of the Clojure namespace
 * {@code net.async.tcp} (which calls these: one core, two doors).
 *
 * <pre>
 * try (EventLoop loop = Tcp.eventLoop();
 *      AcceptSocket server = Tcp.accept(loop, 0);                        // any free port
 *      ClientSocket client = Tcp.connect(loop, "127.0.0.1", server.port())) {
 *     client.write("hello".getBytes(UTF_8));
 *     ClientSocket peer = server.accept(Duration.ofSeconds(5));
 *     peer.read(Duration.ofSeconds(5));                                  // CONNECTED
 *     peer.read(Duration.ofSeconds(5)).payload();                        // "hello"
 * }
 * </pre>
 *
 * <h2>Threading</h2>
 * Stateless; every method may be called from any thread, except that {@link #accept} and
 * {@link #shutdown} block briefly and so should not be called on a Netty event loop.
 */
public final class Tcp {
    private Tcp() {
    }

    /**
     * A new event loop with one network thread, on native epoll where available.
     *
     * @return the running loop; close it to free its thread and sockets
     */
    public static EventLoop eventLoop() {
        return eventLoop(EventLoopOptions.defaults());
    }

    /**
     * A new event loop, with one network thread unless the options say otherwise.
     *
     * @param options the loop's options; must not be {@code null}
     * @return the running loop; close it to free its thread and sockets
     */
    public static EventLoop eventLoop(EventLoopOptions options) {
        return new EventLoop(options.transport(), options.threads());
    }

    /**
     * {@link #connect(EventLoop, String, int, ConnectOptions)} with the default options.
     *
     * @param loop    the event loop to run on; must not be {@code null}
     * @param host    the server's host name or address; must not be {@code null}
     * @param port    the server's port, 0..65535
     * @return the connection, not yet connected
     * @throws IllegalArgumentException for a bad port
     * @throws IllegalStateException    when {@code loop} is shut down
     */
    public static ClientSocket connect(EventLoop loop, String host, int port) {
        return connect(loop, host, port, ConnectOptions.defaults());
    }

    /**
     * A client connection that dials at once and redials forever, until its write-chan is closed
     * or the loop shuts down. Returns before any network activity; the server need not exist yet.
     *
     * @param loop    the event loop to run on; must not be {@code null}
     * @param host    the server's host name or address; must not be {@code null}
     * @param port    the server's port, 0..65535
     * @param options the connection's options; must not be {@code null}
     * @return the connection, not yet connected
     * @throws IllegalArgumentException for a bad port
     * @throws IllegalStateException    when {@code loop} is shut down
     */
    public static ClientSocket connect(EventLoop loop, String host, int port, ConnectOptions options) {
        if (Checks.notNull(host, "host").isBlank()) {
            throw new OptionException("host must be a name or an address, got an empty string", "host", host,
                    "a non-empty string");
        }
        return connect(loop, Remote.tcp(host, port), options);
    }

    /**
     * A client connection over the Unix domain socket at {@code path}, otherwise like
     * {@link #connect(EventLoop, String, int, ConnectOptions)}: it redials until closed, and the
     * socket need not exist yet.
     *
     * @param loop    the event loop to run on; must not be {@code null}
     * @param path    the socket's file; must not be {@code null}
     * @param options the connection's options; must not be {@code null}
     * @return the connection, not yet connected
     * @throws IllegalStateException when {@code loop} is shut down
     */
    public static ClientSocket connect(EventLoop loop, Path path, ConnectOptions options) {
        return connect(loop, Remote.unix(path), options);
    }

    /**
     * A client connection to whichever of several servers answers: one connection, one pair of
     * channels, whatever server it is on. Each round tries the server it was last on first, then
     * the list in the order {@link ConnectOptions#failover()} says, every address a host name
     * resolves to in turn (looked up again each round), each given the connect timeout; the
     * reconnect backoff applies after a round in which every address failed. In session mode a
     * resume goes to the server that holds the session first; another server answers with
     * {@code :session-lost} and a new session.
     *
     * @param loop    the event loop to run on; must not be {@code null}
     * @param servers the servers, at least one: {@link InetSocketAddress}es (a host name and a
     *                port, resolved or not; {@link InetSocketAddress#createUnresolved} keeps the
     *                name, so that it is looked up at each round) or {@link UnixDomainSocketAddress}es
     * @param options the connection's options; must not be {@code null}
     * @return the connection, not yet connected; {@link ClientSocket#remoteAddress()} is the first server
     * @throws IllegalArgumentException for an empty list or an address of another kind
     * @throws IllegalStateException    when {@code loop} is shut down
     */
    public static ClientSocket connect(EventLoop loop, List<? extends SocketAddress> servers, ConnectOptions options) {
        Checks.notNull(servers, "servers");
        List<Remote> remotes = new ArrayList<>(servers.size());
        for (SocketAddress server : servers) {
            remotes.add(remote(server));
        }
        return dial(loop, remotes, options);
    }

    private static Remote remote(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return Remote.tcp(inet.getHostString(), inet.getPort());
        }
        if (address instanceof UnixDomainSocketAddress unix) {
            return Remote.unix(unix.getPath());
        }
        throw new IllegalArgumentException("a server is an InetSocketAddress or a UnixDomainSocketAddress, got "
                + (address == null ? "null" : address.getClass().getName() + " " + address));
    }

    private static ClientSocket connect(EventLoop loop, Remote remote, ConnectOptions options) {
        return dial(loop, List.of(remote), options);
    }

    private static ClientSocket dial(EventLoop loop, List<Remote> servers, ConnectOptions options) {
        Checks.notNull(options, "options");
        DialPlan plan = new DialPlan(servers, options.failover(), options.reconnectPolicy(),
                options.connectTimeoutMillis());
        Connection connection = Connection.client(loop.reactor(), options.readChanOrNew(), options.writeChanOrNew(),
                options.settings(), plan, SessionProtocol.clientMode(options.settings()));
        connection.start();
        return new ClientSocket(connection.readChan(), connection.writeChan(), servers.get(0).address(),
                connection::stats, connection::serverAddress);
    }

    /**
     * {@link #accept(EventLoop, String, int, AcceptOptions)} on the wildcard address with the default options.
     *
     * @param loop    the event loop to run on; must not be {@code null}
     * @param port    the port, or 0 for any free one (see {@link AcceptSocket#port()})
     * @return the listening socket, already bound
     * @throws BindException            when the port is taken
     * @throws IllegalArgumentException for a bad port
     * @throws IllegalStateException    when {@code loop} is shut down
     */
    public static AcceptSocket accept(EventLoop loop, int port) throws BindException {
        return accept(loop, null, port, AcceptOptions.defaults());
    }

    /**
     * Binds at once and accepts connections until accept-chan is closed or the loop shuts down.
     *
     * @param loop    the event loop to run on; must not be {@code null}
     * @param host    the address to bind, or {@code null} for the wildcard address
     * @param port    the port, or 0 for any free one (see {@link AcceptSocket#port()})
     * @param options the options of the listening socket and of every connection it accepts;
     *                must not be {@code null}
     * @return the listening socket, already bound
     * @throws BindException            when the port is taken
     * @throws IllegalArgumentException for a bad port
     * @throws IllegalStateException    when {@code loop} is shut down
     */
    public static AcceptSocket accept(EventLoop loop, String host, int port, AcceptOptions options)
            throws BindException {
        return accept(loop, Remote.tcp(host, port), options);
    }

    /**
     * Listens on the Unix domain socket at {@code path}, otherwise like
     * {@link #accept(EventLoop, String, int, AcceptOptions)}. A leftover socket file that nobody
     * listens on (its process died) is replaced; the file is removed when accepting stops.
     *
     * @param loop    the event loop to run on; must not be {@code null}
     * @param path    the socket's file; must not be {@code null}
     * @param options the options of the listening socket and of every connection it accepts
     * @return the listening socket, already bound
     * @throws BindException         when a process listens on {@code path}, a file that is not a
     *                               socket is there, or it cannot be created; the message names it
     * @throws IllegalStateException when {@code loop} is shut down
     */
    public static AcceptSocket accept(EventLoop loop, Path path, AcceptOptions options) throws BindException {
        return accept(loop, Remote.unix(path), options);
    }

    private static AcceptSocket accept(EventLoop loop, Remote at, AcceptOptions options) throws BindException {
        Acceptor acceptor = new Acceptor(loop.reactor(), options.acceptChanOrNew(), options.readChanFactory(),
                options.writeChanFactory(), options.settings(), options.maxConnections(), options.detachedLimits(),
                options.admissionLimits());
        int bound = acceptor.bind(at);
        return new AcceptSocket(acceptor.acceptChan(), bound, at.path(), acceptor::close, acceptor::rejectedCount,
                acceptor::evictedCount, acceptor::stats);
    }

    /**
     * Shuts {@code loop} down; see {@link EventLoop#close()}.
     *
     * @param loop the event loop; must not be {@code null}
     */
    public static void shutdown(EventLoop loop) {
        loop.close();
    }
}
