/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.SocketAddress;
import java.security.Principal;
import java.util.function.Consumer;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logical connection: the user's read-chan and write-chan on one side, the current Netty
 * channel (or none) on the other. A client connection outlives its links and redials; an
 * accepted one ends with its link.
 *
 * <pre>
 *              link ready                      link lost / stuck / bad frame
 * CONNECTING ──(TCP, then TLS)──▶ CONNECTED ─────────────────────────────────▶ DISCONNECTED
 *   │    ▲                           │                                              │
 *   │    └───────────────── reconnect-period elapsed (clients only) ───────────────┘
 *   └── dial failed ──▶ DISCONNECTED │
 *                                    │ write-chan closed: flush, then shut down output (FIN)
 *                                    ▼
 *                                 CLOSING ── peer closed ──▶ CLOSED
 *
 * accepted connections: link lost ──▶ CLOSED;   any state: shutdown ──▶ CLOSED
 * </pre>
 *
 * Every state change the user can see goes through the same {@link Inbox} as the payloads, so
 * {@code :connected} always precedes the messages of its link and {@code :closed} is last.
 *
 * <h2>Threading</h2>
 * All state is confined to the reactor's event loop: methods ending in {@code OnLoop} assert it,
 * Netty calls the handlers there, and core.async callbacks hop onto it.
 */
public final class Connection implements Outbox.Owner, Reactor.Member {
    private enum State { CONNECTING, CONNECTED, DISCONNECTED, CLOSING, CLOSED }

    private static final Logger log = LoggerFactory.getLogger(Connection.class);

    private final Reactor reactor;
    private final EventLoop loop;
    private final Settings settings;
    private final Inbox inbox;
    private final Outbox outbox;
    private final Dialer dialer; // null for accepted connections
    private final Consumer<Connection> onFirstReady; // accepted: announce on accept-chan
    private final String name;
    // a server that stays away: the first failed dial after a loss at INFO, then one a minute
    private final LogThrottle dialFailureLog = new LogThrottle(1, TimeUnit.MINUTES);
    private State state = State.CONNECTING;
    private Channel channel;
    private boolean everReady;
    private boolean disconnectAnnounced;
    private int failedDials;
    private ScheduledFuture<?> redial;

    private Connection(Reactor reactor, Object readChan, Object writeChan, Settings settings,
                       String host, int port, ReconnectPolicy reconnect, int connectTimeoutMillis,
                       Consumer<Connection> onFirstReady) {
        this.reactor = reactor;
        this.loop = reactor.loop();
        this.settings = settings;
        this.inbox = new Inbox(readChan, loop, this::setReading, dropped -> { });
        this.outbox = new Outbox(writeChan, loop, settings.maxFrameSize(), this);
        this.dialer = host == null ? null : new Dialer(reactor, host, port, reconnect, connectTimeoutMillis,
                new Initializer());
        this.onFirstReady = onFirstReady;
        this.name = host == null ? "accepted" : "client->" + dialer;
    }

    /**
     * A client connection; call {@link #start()} to dial.
     *
     * @param reactor              the loop to run on
     * @param readChan             the channel to deliver events and payloads to
     * @param writeChan            the channel to take payloads from
     * @param settings             heartbeat, frame and TLS settings
     * @param host                 the server's host name or address
     * @param port                 the server's port
     * @param reconnect            when to redial
     * @param connectTimeoutMillis milliseconds a dial may take
     * @return the connection, not yet dialing
     */
    public static Connection client(Reactor reactor, Object readChan, Object writeChan, Settings settings,
                                    String host, int port, ReconnectPolicy reconnect, int connectTimeoutMillis) {
        return new Connection(reactor, readChan, writeChan, settings, host, port, reconnect, connectTimeoutMillis,
                c -> { });
    }

    /**
     * An accepted connection, to be installed on its channel by {@link #initChannel}.
     *
     * @param onReady called on the loop once the link is ready (after the TLS handshake, if any);
     *                a link that never gets ready closes without a word to anybody
     */
    static Connection accepted(Reactor reactor, Object readChan, Object writeChan, Settings settings,
                               Consumer<Connection> onReady) {
        return new Connection(reactor, readChan, writeChan, settings, null, 0, null, 0, onReady);
    }

    /** {@return the read-chan} */
    public Object readChan() {
        return inbox.chan();
    }

    /** {@return the write-chan} */
    public Object writeChan() {
        return outbox.chan();
    }

    /** Starts dialing; from any thread. Throws {@code IllegalStateException} after shutdown. */
    public void start() {
        reactor.execute(this::dialOnLoop);
    }

    /** The current link's peer address, or {@code null} while there is no link. */
    SocketAddress remoteAddress() {
        return channel == null ? null : channel.remoteAddress();
    }

    /** The TLS peer's identity once the link is ready, or {@code null} without TLS or client certificates. */
    Principal peerPrincipal() {
        return channel == null ? null : Tls.peerPrincipal(channel);
    }

    void initChannel(Channel ch) {
        SslHandler tls = settings.tls() == null ? null
                : dialer == null ? settings.tls().newHandler(ch.alloc())
                : dialer.newTlsHandler(settings.tls(), ch.alloc());
        Pipeline.install(ch.pipeline(), settings, tls, new LinkHandler());
        // a backlog left from the previous link keeps the new one paused until the user catches up
        ch.config().setAutoRead(!inbox.isBackedUp());
    }

    private void dialOnLoop() {
        assert loop.inEventLoop();
        redial = null;
        if (state == State.CLOSED) {
            return;
        }
        if (!reactor.isRunning()) {
            finishOnLoop(); // started while the loop was shutting down
            return;
        }
        reactor.register(this);
        state = State.CONNECTING;
        ChannelFuture attempt = dialer.dial();
        attempt.addListener(f -> {
            if (!f.isSuccess()) {
                logFailedDial(f.cause());
                linkLostOnLoop();
            }
        });
    }

    /**
     * A server that stays away must not fill the log: the first failed dial after a loss is
     * logged at INFO, then one line a minute while it lasts; every attempt at DEBUG.
     */
    private void logFailedDial(Throwable cause) {
        failedDials++;
        if (dialFailureLog.allow()) {
            log.info("{} cannot connect ({} attempt{} so far): {}", this, failedDials, failedDials == 1 ? "" : "s",
                    Failures.reason(cause));
        } else {
            Failures.log(log, this, cause);
        }
    }

    /** TCP is up; without TLS the link is ready at once, with TLS once the handshake succeeds. */
    private void linkActiveOnLoop(Channel ch) {
        assert loop.inEventLoop();
        if (state == State.CLOSED) {
            ch.close();
            return;
        }
        channel = ch;
        if (settings.tls() == null) {
            linkReadyOnLoop();
        }
    }

    private void linkReadyOnLoop() {
        assert loop.inEventLoop();
        reactor.register(this);
        boolean first = !everReady;
        everReady = true;
        state = State.CONNECTED;
        disconnectAnnounced = false;
        failedDials = 0;
        dialFailureLog.reset();
        if (dialer != null) {
            dialer.connected();
        }
        log.debug("{} connected to {}", this, channel.remoteAddress());
        if (first) {
            onFirstReady.accept(this);
        }
        inbox.deliver(Keywords.CONNECTED);
        outbox.attach(channel);
    }

    private void linkDownOnLoop(Channel ch) {
        assert loop.inEventLoop();
        if (ch != channel) {
            return;
        }
        channel = null;
        outbox.detach();
        if (dialer == null && !everReady) {
            closeUnannouncedOnLoop();
            return;
        }
        linkLostOnLoop();
    }

    /** An accepted link that failed before it was ready (TLS): nobody ever saw its channels. */
    private void closeUnannouncedOnLoop() {
        state = State.CLOSED;
        Chans.close(inbox.chan());
        Chans.close(outbox.chan());
        reactor.unregister(this);
    }

    private void linkLostOnLoop() {
        if (state == State.CLOSED) {
            return;
        }
        if (dialer == null || state == State.CLOSING) {
            finishOnLoop();
            return;
        }
        state = State.DISCONNECTED;
        if (!disconnectAnnounced) {
            disconnectAnnounced = true;
            inbox.deliver(Keywords.DISCONNECTED);
        }
        redial = loop.schedule(this::dialOnLoop, dialer.nextDelayMillis(), TimeUnit.MILLISECONDS);
        outbox.pump(); // keeps watching write-chan: closing it must end a connection that is not up
    }

    @Override
    public void onWriteChanClosed() {
        assert loop.inEventLoop();
        if (state == State.CONNECTED) {
            // completes after every earlier write, so all that was written reaches the socket first
            state = State.CLOSING;
            Channel ch = channel;
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> closeGracefullyOnLoop(ch));
        } else if (state != State.CLOSING) {
            finishOnLoop();
        }
    }

    /**
     * Sends FIN, then reads and drops whatever still arrives until the peer closes too. A plain
     * close with unread input sends RST instead, and an RST makes the peer discard what it has not
     * read yet: our last messages. A peer that goes silent is dropped as stuck, as ever.
     */
    private void closeGracefullyOnLoop(Channel ch) {
        assert loop.inEventLoop();
        ((DuplexChannel) ch).shutdownOutput();
        ch.config().setAutoRead(true);
    }

    @Override
    public void shutdownOnLoop() {
        assert loop.inEventLoop();
        if (channel != null) {
            channel.close();
        }
        finishOnLoop();
    }

    private void finishOnLoop() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (redial != null) {
            redial.cancel(false);
        }
        log.debug("{} closed", this);
        inbox.deliver(Keywords.CLOSED);
        inbox.closeWhenDrained();
        Chans.close(outbox.chan());
        releaseParkedWrites();
        reactor.unregister(this);
    }

    /**
     * close! fails pending takes but leaves parked puts parked until someone takes them: a writer
     * whose put was waiting (socket full, or between two takes) when the connection ended would
     * wait forever. Take them: they complete, and their values go the way of any message in
     * flight when a connection ends. At most 1024 puts can park on a channel.
     */
    private void releaseParkedWrites() {
        while (Chans.poll(outbox.chan()) != null) {
            // dropped: nothing will ever send it
        }
    }

    private void setReading(boolean open) {
        if (channel != null && state != State.CLOSING) {
            channel.config().setAutoRead(open);
        }
    }

    @Override
    public String toString() {
        return channel == null ? "[" + name + "]"
                : "[" + name + " " + channel.localAddress() + " <-> " + channel.remoteAddress() + "]";
    }

    /** Installs a fresh pipeline on each client link. */
    private final class Initializer extends ChannelInitializer<Channel> {
        @Override
        protected void initChannel(Channel ch) {
            Connection.this.initChannel(ch);
        }
    }

    /** The last handler of one link's pipeline; forwards what happens on that link. */
    private final class LinkHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            linkActiveOnLoop(ctx.channel());
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (!(evt instanceof SslHandshakeCompletionEvent handshake) || ctx.channel() != channel) {
                ctx.fireUserEventTriggered(evt);
            } else if (handshake.isSuccess()) {
                linkReadyOnLoop();
            } else {
                // a client retrying against the same bad certificate says so once per loss, not per attempt
                if (!disconnectAnnounced) {
                    log.warn("{} TLS handshake failed: {}", Connection.this, Failures.reason(handshake.cause()));
                } else {
                    log.debug("{} TLS handshake failed again: {}", Connection.this, Failures.reason(handshake.cause()));
                }
                ctx.close();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (state != State.CLOSING) {
                inbox.stage((byte[]) msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            inbox.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            linkDownOnLoop(ctx.channel());
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && ctx.channel() == channel) {
                outbox.pump();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Failures.log(log, Connection.this, cause);
            ctx.close();
        }
    }
}
