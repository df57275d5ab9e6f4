/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.SocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import net.async.tcp.impl.loop.Reactor;
import net.async.tcp.impl.loop.Remote;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client connection's links: dialed at start, and again after each loss once the backoff has
 * passed, round after round of its {@link Dialer}, until the connection ends.
 *
 * <h2>Threading</h2>
 * Confined to the connection's event loop, but {@code server}, which is volatile for stats.
 */
final class Redial implements LinkSource {
    private static final Logger log = LoggerFactory.getLogger(Connection.class); // the connection's lines

    private final Connection connection;
    private final EventLoop loop;
    private final Dialer dialer;
    private ScheduledFuture<?> next;
    private volatile SocketAddress server;

    Redial(Connection connection, Reactor reactor, EventLoop loop, DialPlan plan) {
        this.connection = connection;
        this.loop = loop;
        this.dialer = new Dialer(reactor.transport(), loop, plan, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                connection.initChannel(ch);
            }
        });
    }

    @Override
    public void startOnLoop() {
        assert loop.inEventLoop();
        next = null;
        if (connection.dialingOnLoop()) {
            dialer.dial(connection::wantsLink).addListener(f -> {
                if (!f.isSuccess()) {
                    connection.dialFailedOnLoop(f.cause());
                }
            });
        }
    }

    @Override
    public boolean endsWithLink() {
        return false;
    }

    @Override
    public void awaitNextLinkOnLoop() {
        assert loop.inEventLoop();
        next = loop.schedule(this::startOnLoop, dialer.nextDelayMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void linkUpOnLoop(Channel ch, boolean first) {
        assert loop.inEventLoop();
        Remote before = dialer.connected();
        server = ch.remoteAddress();
        if (dialer.hasSeveralServers() && before != null && !before.equals(dialer.server())) {
            log.info("{} now on server {} ({}), was on {}", connection, dialer.server(), server, before);
        }
    }

    @Override
    public void endedOnLoop() {
        assert loop.inEventLoop();
        if (next != null) {
            next.cancel(false);
        }
    }

    @Override
    public SslHandler newTlsHandler(SslContext context, ByteBufAllocator alloc) {
        return dialer.newTlsHandler(context, alloc);
    }

    @Override
    public SocketAddress server() {
        return server;
    }

    @Override
    public String toString() {
        return "client->" + dialer;
    }
}
