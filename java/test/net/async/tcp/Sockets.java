/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import clojure.lang.IPersistentMap;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Loopback fixtures shared by the socket tests: fast options (reconnect-period 50 ms, heartbeat
 * period 50 ms, heartbeat timeout 1 s), servers on port 0, and port probes.
 *
 * <pre>
 * try (EventLoop loop = Tcp.eventLoop()) {
 *     AcceptSocket server = Sockets.listen(loop);
 *     ClientSocket client = Sockets.connect(loop, server.port());
 *     ClientSocket accepted = Sockets.nextAccepted(server);
 * }
 * </pre>
 *
 * <h3>Threading</h3>
 * Stateless.
 */
public final class Sockets {
    public static final String HOST = "127.0.0.1";
    public static final long RECONNECT_MILLIS = 50;
    public static final long HEARTBEAT_PERIOD_MILLIS = 50;
    // a second: twenty heartbeats missed before a link counts as stuck, so a stall of the host (a
    // loaded CI machine stops threads for a few hundred ms) is not taken for a stuck peer
    public static final long HEARTBEAT_TIMEOUT_MILLIS = 1000;

    private Sockets() {
    }

    public static ConnectOptions.Builder fastClient() {
        return ConnectOptions.builder()
                .reconnectPeriodMillis(RECONNECT_MILLIS)
                .heartbeatPeriodMillis(HEARTBEAT_PERIOD_MILLIS)
                .heartbeatTimeoutMillis(HEARTBEAT_TIMEOUT_MILLIS);
    }

    public static AcceptOptions.Builder fastServer() {
        return AcceptOptions.builder()
                .heartbeatPeriodMillis(HEARTBEAT_PERIOD_MILLIS)
                .heartbeatTimeoutMillis(HEARTBEAT_TIMEOUT_MILLIS);
    }

    /** A fast server on {@code 127.0.0.1}, any free port. */
    public static AcceptSocket listen(EventLoop loop) throws BindException {
        return Tcp.accept(loop, HOST, 0, fastServer().build());
    }

    public static AcceptSocket listen(EventLoop loop, int port) throws BindException {
        return Tcp.accept(loop, HOST, port, fastServer().build());
    }

    /** A fast client of {@code 127.0.0.1:port}. */
    public static ClientSocket connect(EventLoop loop, int port) {
        return Tcp.connect(loop, HOST, port, fastClient().build());
    }

    /** Takes the next accepted connection off accept-chan (fails after {@link Chan#WAIT}). */
    public static ClientSocket nextAccepted(AcceptSocket server) {
        Object value = Chan.takeRaw(server.acceptChan(), Chan.WAIT);
        if (!(value instanceof IPersistentMap map)) {
            throw new AssertionError("accept-chan yielded " + value + ", not a map");
        }
        return ClientSocket.of((java.util.Map<?, ?>) map);
    }

    /** A loopback port that was free a moment ago: for clients that must start before their server. */
    public static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return probe.getLocalPort();
        }
    }

    /** True when a listening socket could be bound to {@code 127.0.0.1:port} right now (then released). */
    public static boolean canBind(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(HOST, port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
