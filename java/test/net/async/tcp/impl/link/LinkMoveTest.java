/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import net.async.tcp.Chan;
import net.async.tcp.Sockets;
import net.async.tcp.Trouble;
import net.async.tcp.impl.loop.Transport;
import org.junit.jupiter.api.Test;

/**
 * An accepted link moved to another thread of the loop, as a session's resume is: it arrives with
 * its idle timers running on the new thread, and a link that closes on the way (a reset read by
 * the new thread before the link is handed on) is a normal network event: nothing is handed on,
 * nothing is thrown, nothing is logged above DEBUG.
 *
 * <h3>Threading</h3>
 * The test thread waits; the links live on a two-thread group of their own.
 */
class LinkMoveTest {
    private static final Settings SETTINGS = Settings.of(Sockets.HEARTBEAT_PERIOD_MILLIS,
            Sockets.HEARTBEAT_TIMEOUT_MILLIS, null, null, null);

    @Test
    void aLinkArrivesOnTheOtherThreadWithItsIdleTimers() throws Exception {
        CompletableFuture<Channel> arrived = new CompletableFuture<>();
        Moved moved = moveOneLink(new LinkMove(SETTINGS), arrived::complete);
        Channel ch = arrived.get(Chan.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertSame(moved.to(), ch.eventLoop());
        assertTrue(ch.isOpen());
        assertNotNull(ch.pipeline().get("idle"), "idle timers again");
        assertEquals("idle", ch.pipeline().names().get(0), "first: every frame read proves the link alive");
        moved.close();
    }

    @Test
    void aLinkClosedOnTheWayIsDroppedQuietly() throws Exception {
        try (Trouble trouble = Trouble.watch()) {
            CompletableFuture<Channel> arrived = new CompletableFuture<>();
            // closed on the new thread before it is handed on: its pipeline is gone when the arrival runs
            Moved moved = moveOneLink(new LinkMove(SETTINGS, Channel::close), arrived::complete);
            moved.link().closeFuture().await(Chan.WAIT.toMillis());
            assertFalse(moved.link().isOpen());
            // the arrival is a task on the target thread after the close: once the next task there has run, it has too
            moved.to().submit(() -> { }).await(Chan.WAIT.toMillis());
            moved.to().submit(() -> { }).await(Chan.WAIT.toMillis());
            assertFalse(arrived.isDone(), "a closed link is not handed on");
            moved.close();
            trouble.assertNone();
        }
    }

    private record Moved(MultiThreadIoEventLoopGroup group, Channel server, Socket peer, Channel link, EventLoop to) {
        void close() throws Exception {
            peer.close();
            server.close().sync();
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
        }
    }

    /** Accepts one link on a two-thread group, with an idle handler as a session link has, and moves it. */
    private static Moved moveOneLink(LinkMove move, Consumer<Channel> arrived) throws Exception {
        Transport transport = Transport.best();
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2, transport.ioHandlerFactory());
        EventLoop first = group.next();
        EventLoop second = group.next();
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        Channel server = new ServerBootstrap().group(first, first)
                .channel(transport.serverChannel(false))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel child) {
                        child.pipeline().addLast("idle", new IdleTimers(1000, 1000));
                        child.pipeline().addLast("rest", new ChannelInboundHandlerAdapter());
                        accepted.complete(child);
                    }
                })
                .bind(Sockets.HOST, 0).sync().channel();
        Socket peer = new Socket(Sockets.HOST, ((InetSocketAddress) server.localAddress()).getPort());
        Channel link = accepted.get(Chan.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        link.eventLoop().submit(() -> move.move(link, second, arrived)).sync();
        return new Moved(group, server, peer, link, second);
    }
}
