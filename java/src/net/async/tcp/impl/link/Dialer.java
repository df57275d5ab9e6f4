/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.AddressResolver;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import net.async.tcp.ConnectOptions.Failover;
import net.async.tcp.impl.loop.OffLoopResolver;
import net.async.tcp.impl.loop.Remote;
import net.async.tcp.impl.loop.Transport;

/**
 * Opens client links to the servers a client knows, one {@link DialRound} at a time. A round
 * tries the server and address that last worked first, then the rest in the plan's order; a TCP
 * name is looked up afresh in every round, off the event loop ({@link OffLoopResolver}), and each
 * address it resolves to is a candidate; an unknown host fails like a refused connection. The
 * backoff counts failed rounds, not failed addresses.
 *
 * <h2>Threading</h2>
 * Confined to the connection's event loop (the failure count, what worked last); the rest is
 * immutable.
 */
final class Dialer {
    private final DialPlan plan;
    private final Transport transport;
    private final EventLoop loop;
    private final Bootstrap tcp;
    private final Bootstrap unix;
    private AddressResolver<InetSocketAddress> resolver; // the loop's, from the first round on
    private int failures;
    private Remote dialing; // the server of the attempt under way: its TLS handler checks its name
    private Remote answered; // the server and address of the link that came up last
    private SocketAddress answeredAddress;
    private Remote lastWorked; // those of the last link that got ready: first in the next round
    private SocketAddress lastWorkedAddress;

    Dialer(Transport transport, EventLoop loop, DialPlan plan, ChannelHandler initializer) {
        this.plan = plan;
        this.transport = transport;
        this.loop = loop;
        this.tcp = bootstrap(transport, loop, plan, initializer, false);
        this.unix = bootstrap(transport, loop, plan, initializer, true);
    }

    private static Bootstrap bootstrap(Transport transport, EventLoop loop, DialPlan plan, ChannelHandler initializer,
                                       boolean unix) {
        Remote kind = plan.servers().stream().filter(r -> r.isUnix() == unix).findFirst().orElse(null);
        if (kind == null) {
            return null;
        }
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(transport.channel(kind))
                .option(ChannelOption.ALLOCATOR, Transport.ALLOCATOR)
                .option(ChannelOption.RCVBUF_ALLOCATOR, Transport.READ_SIZES)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, plan.connectTimeoutMillis())
                .handler(initializer);
        if (!unix) {
            bootstrap.option(ChannelOption.TCP_NODELAY, true).resolver(OffLoopResolver.GROUP);
        }
        return bootstrap;
    }

    /**
     * TLS from the client's side. Over TCP the server's certificate must name the host dialed;
     * a Unix socket has no host name to check, so only the certificate's trust is.
     */
    SslHandler newTlsHandler(SslContext context, ByteBufAllocator alloc) {
        return dialing.isUnix() ? Tls.clientHandlerWithoutHost(context, alloc)
                : Tls.clientHandler(context, alloc, dialing.host(), dialing.port());
    }

    /**
     * One round over every server.
     *
     * @param wanted false once the connection no longer wants a link: the round stops there
     * @return the link of the first address that answered, or the round's failure
     */
    Future<Channel> dial(BooleanSupplier wanted) {
        if (resolver == null) {
            resolver = OffLoopResolver.GROUP.getResolver(loop); // on the loop: it must be running
        }
        return new DialRound(loop, roundOrder(), resolver, this::connect, wanted, lastWorkedAddress).start();
    }

    private List<Remote> roundOrder() {
        List<Remote> order = new ArrayList<>(plan.servers());
        if (plan.failover() == Failover.RANDOM) {
            Collections.shuffle(order, ThreadLocalRandom.current());
        }
        if (lastWorked != null && order.remove(lastWorked)) {
            order.add(0, lastWorked);
        }
        return order;
    }

    private ChannelFuture connect(Remote server, SocketAddress address) {
        dialing = server;
        ChannelFuture attempt = (server.isUnix() ? unix : tcp).connect(
                server.isUnix() ? transport.unixAddress(server.path()) : address);
        attempt.addListener(f -> {
            if (f.isSuccess()) {
                answered = server;
                answeredAddress = address;
            }
        });
        return attempt;
    }

    /**
     * A link came up: the next loss starts the backoff from the first period again, on this server first.
     *
     * @return the server of the link before this one, or {@code null} before the first
     */
    Remote connected() {
        Remote before = lastWorked;
        failures = 0;
        lastWorked = answered;
        lastWorkedAddress = answeredAddress;
        return before;
    }

    /** {@return the server (as given) of the last link that came up, or {@code null} before the first} */
    Remote server() {
        return answered;
    }

    /** {@return whether more than one server was given: then which one a link is on is news} */
    boolean hasSeveralServers() {
        return plan.servers().size() > 1;
    }

    /** Counts one more loss or failed round and says how long to wait before the next round. */
    long nextDelayMillis() {
        failures = failures == Integer.MAX_VALUE ? failures : failures + 1;
        return plan.reconnect().delayMillis(failures);
    }

    @Override
    public String toString() {
        List<Remote> servers = plan.servers();
        return servers.size() == 1 ? servers.get(0).toString() : servers.toString();
    }
}
