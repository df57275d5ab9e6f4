/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.resolver.AddressResolver;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.BooleanSupplier;
import net.async.tcp.impl.loop.Remote;

/**
 * One round of dialing: every server in turn, every address a server's name resolves to in
 * turn, each given the connect timeout, until one answers. The round fails only when all have.
 *
 * <pre>
 *   server ──(host: resolve all, off the loop)──▶ address ──connect──▶ answered? done
 *                                                    │ refused, timed out, unreachable
 *                                                    ▼
 *                                  next address, next server … none left: the round failed
 * </pre>
 *
 * <h2>Threading</h2>
 * Confined to the connection's event loop: each step runs in the listener of the one before.
 */
final class DialRound {
    /** Opens one link to one address; the dialer knows the bootstrap for its kind. */
    interface Attempt {
        ChannelFuture connect(Remote server, SocketAddress address);
    }

    private final EventLoop loop;
    private final Iterator<Remote> servers;
    private final AddressResolver<InetSocketAddress> resolver;
    private final Attempt attempt;
    private final BooleanSupplier wanted;
    private final SocketAddress preferred; // the address that last worked: first among its server's
    private final Promise<Channel> result;
    private final List<String> failures = new ArrayList<>();
    private Throwable lastFailure;
    private Remote server;
    private Iterator<SocketAddress> addresses;

    DialRound(EventLoop loop, List<Remote> servers, AddressResolver<InetSocketAddress> resolver, Attempt attempt,
              BooleanSupplier wanted, SocketAddress preferred) {
        this.loop = loop;
        this.servers = servers.iterator();
        this.resolver = resolver;
        this.attempt = attempt;
        this.wanted = wanted;
        this.preferred = preferred;
        this.result = loop.newPromise();
    }

    /** Starts the round; {@return the link of the first address that answers, or why none did} */
    Future<Channel> start() {
        next();
        return result;
    }

    private void next() {
        assert loop.inEventLoop();
        if (!wanted.getAsBoolean()) {
            result.tryFailure(new ConnectException("the connection ended while it dialed"));
        } else if (addresses != null && addresses.hasNext()) {
            connect(addresses.next());
        } else if (!servers.hasNext()) {
            result.tryFailure(roundFailure());
        } else {
            server = servers.next();
            addresses = null;
            if (server.isUnix()) {
                addresses = List.<SocketAddress>of(server.address()).iterator();
                next();
            } else {
                resolver.resolveAll(InetSocketAddress.createUnresolved(server.host(), server.port()))
                        .addListener((Future<List<InetSocketAddress>> resolved) -> resolvedOnLoop(resolved));
            }
        }
    }

    private void resolvedOnLoop(Future<List<InetSocketAddress>> resolved) {
        assert loop.inEventLoop();
        if (resolved.isSuccess()) {
            List<SocketAddress> all = new ArrayList<>(resolved.getNow());
            if (all.remove(preferred)) {
                all.add(0, preferred);
            }
            addresses = all.iterator();
        } else {
            failed(server.toString(), resolved.cause());
        }
        next();
    }

    private void connect(SocketAddress address) {
        Remote dialed = server;
        attempt.connect(dialed, address).addListener((ChannelFuture connected) -> {
            if (connected.isSuccess()) {
                result.trySuccess(connected.channel());
            } else {
                failed(describe(dialed, address), connected.cause());
                next();
            }
        });
    }

    private static String describe(Remote server, SocketAddress address) {
        String resolved = address instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : null;
        return resolved == null || resolved.equals(server.host()) ? server.toString() : server + " (" + resolved + ")";
    }

    private void failed(String where, Throwable cause) {
        lastFailure = cause;
        failures.add(where + ": " + Failures.reason(cause));
    }

    /** One address: its own failure, as before there were several; more: each one's, in one line. */
    private Throwable roundFailure() {
        if (failures.size() == 1) {
            return lastFailure;
        }
        StringJoiner each = new StringJoiner("; ", "every address failed: ", "");
        failures.forEach(each::add);
        return new ConnectException(each.toString()); // no cause: the log shows the innermost one
    }
}
