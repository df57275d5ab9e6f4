/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import java.net.SocketAddress;
import java.util.function.Function;
import net.async.tcp.Stats;
import net.async.tcp.impl.chan.Chans;
import net.async.tcp.impl.chan.Inbox;
import net.async.tcp.impl.chan.Keywords;
import net.async.tcp.impl.chan.Outbox;
import net.async.tcp.impl.loop.Reactor;
import net.async.tcp.impl.stats.AcceptorCounts;
import net.async.tcp.impl.stats.Counters;
import net.async.tcp.impl.stats.LinkEnd;
import net.async.tcp.impl.stats.StatsCollector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logical connection: the user's read-chan and write-chan on one side, the current Netty
 * channel (or none) on the other. A client connection outlives its links and redials; an
 * accepted one ends with its link, unless it carries a session. Its states and their transitions
 * are {@link LinkState}'s, and {@code moveTo} is the one place they change.
 *
 * <p>Every state change the user can see goes through the same {@link Inbox} as the payloads, so
 * {@code :connected} always precedes the messages of its link and {@code :closed} is last.
 *
 * <p>What the frames mean is its {@link LinkMode}'s, plain or session; where links come from, and
 * what a lost one means, its {@link LinkSource}'s: redial, await a resume, or end.
 *
 * <h2>Threading</h2>
 * All state is confined to the reactor's event loop: methods ending in {@code OnLoop} assert it,
 * Netty calls the handlers there, and core.async callbacks hop onto it.
 */
public final class Connection implements Outbox.Owner, LinkHandler.Owner, Reactor.Member {
    private static final Logger log = LoggerFactory.getLogger(Connection.class);

    private final Reactor reactor;
    private final EventLoop loop;
    private final Settings settings;
    private final LinkMode mode;
    private final LinkSource source;
    private final Inbox inbox;
    private final Outbox outbox;
    private final Counters counters = new Counters();
    private final AttemptLog attempts = new AttemptLog(this, counters);
    private LinkState state = LinkState.CONNECTING;
    private Channel channel;
    private boolean everReady;
    private boolean disconnectAnnounced;
    private boolean reading = true; // what the inbox's valve last said; session mode's never shuts

    /** Made by its {@link LinkSource}: {@link Redial#client} or {@link Accepted#connection}. */
    Connection(Reactor reactor, EventLoop loop, Object readChan, Object writeChan, Settings settings,
                       Function<Connection, LinkSource> source, Function<Connection, LinkMode> mode) {
        this.reactor = reactor;
        this.loop = loop;
        this.settings = settings;
        this.mode = mode.apply(this);
        this.source = source.apply(this);
        this.inbox = this.mode.newInbox(readChan, loop, this::setReading);
        this.outbox = new Outbox(writeChan, loop, settings.maxFrameSize(), this, this.mode.retention(), counters);
    }

    /** {@return what the frames on its links mean, made with it} */
    public LinkMode mode() {
        return mode;
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
        reactor.execute(loop, source::startOnLoop);
    }

    /** {@return the thread this connection lives on, for its whole life} */
    @Override
    public EventLoop loop() {
        return loop;
    }

    /** {@return a client's server, from any thread: its link's while up, else the last one's; or null} */
    public SocketAddress serverAddress() {
        return source.server();
    }

    public void initChannel(Channel ch) {
        SslHandler tls = settings.tls() == null ? null : source.newTlsHandler(settings.tls(), ch.alloc());
        Pipeline.install(ch.pipeline(), settings, tls, newLinkHandler(), counters);
        // a backlog left from the previous link keeps the new one paused until the user catches up
        ch.config().setAutoRead(reading);
    }

    private LinkHandler newLinkHandler() {
        return new LinkHandler(this, mode, inbox, outbox, counters);
    }

    /** A client is about to dial: {@return whether it still wants a link} */
    boolean dialingOnLoop() {
        assert loop.inEventLoop();
        if (state == LinkState.CLOSED) {
            return false;
        }
        if (!reactor.isRunning()) {
            finishOnLoop(); // started while the loop was shutting down
            return false;
        }
        reactor.register(this);
        moveTo(LinkState.CONNECTING);
        return true;
    }

    /** {@return whether a dial under way should go on; on the loop} */
    boolean wantsLink() {
        return state != LinkState.CLOSED && reactor.isRunning();
    }

    void dialFailedOnLoop(Throwable cause) {
        assert loop.inEventLoop();
        attempts.dialFailed(cause);
        linkLostOnLoop();
    }

    /** TCP is up; without TLS the link is ready at once, with TLS once the handshake succeeds. */
    @Override
    public void linkActiveOnLoop(Channel ch) {
        assert loop.inEventLoop();
        if (state == LinkState.CLOSED) {
            ch.close();
            return;
        }
        channel = ch;
        if (settings.tls() == null) {
            mode.linkReadyOnLoop();
        }
    }

    /** The link carries messages from now on. */
    public void linkUpOnLoop() {
        assert loop.inEventLoop();
        reactor.register(this);
        boolean first = !everReady;
        everReady = true;
        counters.linkUp(first);
        moveTo(LinkState.CONNECTED);
        disconnectAnnounced = false;
        attempts.reset();
        log.debug("{} connected to {}", this, channel.remoteAddress());
        source.linkUpOnLoop(channel, first);
        inbox.deliver(Keywords.CONNECTED);
        outbox.attach(channel);
        mode.linkUpOnLoop();
    }

    @Override
    public void linkDownOnLoop(Channel ch) {
        assert loop.inEventLoop();
        if (ch != channel) {
            return;
        }
        channel = null;
        outbox.detach();
        if (state == LinkState.CONNECTED) { // not when we closed it ourselves (CLOSING, or CLOSED and counted)
            // a shutdown closes both ends of a loop's own links: the far end's close may be read first
            counters.disconnected(reactor.isRunning() ? LinkEnd.of(ch) : Stats.Cause.SHUTDOWN);
        }
        mode.linkDownOnLoop(state == LinkState.HANDSHAKING);
        if (source.endsWithLink() && !everReady) {
            endOnLoop(false); // an accepted link that failed before it was ready (TLS): nobody saw its channels
            return;
        }
        linkLostOnLoop();
    }

    private void linkLostOnLoop() {
        assert loop.inEventLoop();
        if (state == LinkState.CLOSED) {
            return;
        }
        boolean goodbyeLost = state == LinkState.CLOSING && mode.awaitsGoodbyeOnLoop();
        // shutting down: its own shutdown task is on its way, and read-chan's next value must be :closed
        if ((state == LinkState.CLOSING && !goodbyeLost) || source.endsWithLink() || !reactor.isRunning()) {
            finishOnLoop();
            return;
        }
        moveTo(LinkState.DISCONNECTED);
        announceDisconnectOnLoop();
        source.awaitNextLinkOnLoop();
        mode.detachedOnLoop();
        outbox.pump(); // keeps watching write-chan: closing it must end a connection that is not up
    }

    private void announceDisconnectOnLoop() {
        assert loop.inEventLoop();
        if (!disconnectAnnounced) {
            disconnectAnnounced = true;
            inbox.deliver(Keywords.DISCONNECTED);
        }
    }

    /** {@return whether read-chan was told the last link was lost, and no link has been up since} */
    @Override
    public boolean hasAnnouncedLoss() {
        return disconnectAnnounced;
    }

    @Override
    public void onWriteChanClosed() {
        assert loop.inEventLoop();
        if (state != LinkState.CLOSED) { // else: the take that saw write-chan closed by our own finish
            mode.writeChanClosedOnLoop();
        }
    }

    @Override
    public void shutdownOnLoop() {
        assert loop.inEventLoop();
        if (channel != null) {
            if (state == LinkState.CONNECTED) {
                counters.disconnected(Stats.Cause.SHUTDOWN); // now: its end is counted before the totals are
            }
            channel.close();
        }
        finishOnLoop();
    }

    /** The end, whatever the cause: {@code :closed} is the last value read-chan yields, then it closes. */
    public void finishOnLoop() {
        assert loop.inEventLoop();
        endOnLoop(true);
    }

    private void endOnLoop(boolean announced) {
        assert loop.inEventLoop();
        if (state == LinkState.CLOSED) {
            return;
        }
        moveTo(LinkState.CLOSED);
        mode.finishedOnLoop();
        reactor.totals().retireOnLoop(loop, counters);
        source.endedOnLoop();
        if (announced) {
            log.debug("{} closed", this);
            inbox.deliver(Keywords.CLOSED);
            inbox.closeWhenDrained();
        } else {
            Chans.close(inbox.chan());
        }
        outbox.close();
        reactor.unregister(this);
    }

    private void setReading(boolean open) {
        reading = open;
        if (channel != null && state != LinkState.CLOSING) {
            channel.config().setAutoRead(open);
        }
    }

    // ---- what the link modes ask of the link ----

    /** {@return the current link, or {@code null} while there is none} */
    @Override
    public Channel link() {
        return channel;
    }

    public boolean isUp() {
        return state == LinkState.CONNECTED;
    }

    public boolean isHandshaking() {
        return state == LinkState.HANDSHAKING;
    }

    @Override
    public boolean isClosing() {
        return state == LinkState.CLOSING;
    }

    /** On the connection's thread: whether it has ended. */
    public boolean isClosed() {
        return state == LinkState.CLOSED;
    }

    public void handshakingOnLoop() {
        assert loop.inEventLoop();
        moveTo(LinkState.HANDSHAKING);
    }

    /** The link's end will be the connection's end: write-chan was closed, or the session is saying goodbye. */
    public void closingOnLoop() {
        assert loop.inEventLoop();
        moveTo(LinkState.CLOSING);
    }

    public void deliverOnLoop(Object event) {
        assert loop.inEventLoop();
        inbox.deliver(event);
    }

    public void pumpOnLoop() {
        assert loop.inEventLoop();
        outbox.pump();
    }

    /** Server: {@code ch} carries this session from now on; an older link still attached is closed. */
    public void replaceLinkOnLoop(Channel ch, ChannelHandler handshake) {
        assert loop.inEventLoop();
        if (channel != null) {
            Channel old = channel;
            channel = null;
            outbox.detach();
            counters.disconnected(Stats.Cause.PEER_CLOSED); // the peer left it for this one
            old.close();
            log.debug("{} taken over by a new link from {}", this, ch.remoteAddress());
            announceDisconnectOnLoop();
        }
        channel = ch;
        Pipeline.attachAfterHello(ch.pipeline(), handshake, newLinkHandler(), counters);
    }

    /** {@return the log of this client's failed attempts, which the session protocol adds to} */
    public AttemptLog attempts() {
        return attempts;
    }

    /** Server: the session is lost to its client (expired, evicted, or its acceptor stopped), and ends. */
    public void loseSessionOnLoop() {
        assert loop.inEventLoop();
        if (state != LinkState.CLOSED) {
            counters.sessionLost();
        }
        finishOnLoop();
    }

    @Override
    public void beforeFlush(Channel ch) {
        mode.beforeFlushOnLoop(ch);
    }

    /** The one place {@code state} changes: every transition of the diagram above passes here. */
    private void moveTo(LinkState next) {
        assert loop.inEventLoop();
        if (log.isTraceEnabled()) {
            log.trace("{} {} -> {}", this, state, next);
        }
        state = next;
    }

    // ---- what the numbers a user can watch are made of ----

    public Counters counters() {
        return counters;
    }

    @Override
    public void addStatsOnLoop(StatsCollector sum) {
        assert loop.inEventLoop();
        if (state != LinkState.CLOSED) {
            sum.addLive(counters, inbox.waiting(), outbox.waiting());
        }
    }

    /** {@return this connection's snapshot, read on its thread}; blocks: never call it from another loop */
    public Stats stats() {
        return StatsCollector.readOn(loop, this::statsOnLoop,
                () -> counters.snapshot(LinkState.CLOSED.statsName(), 0, 0, 0, AcceptorCounts.NONE));
    }

    private Stats statsOnLoop() {
        assert loop.inEventLoop();
        return counters.snapshot(state.statsName(), state == LinkState.CLOSED ? 0 : 1, inbox.waiting(), outbox.waiting(),
                AcceptorCounts.NONE, source.server());
    }

    @Override
    public String toString() {
        String modeName = mode.toString();
        String what = modeName.isEmpty() ? source.toString() : source + " " + modeName;
        return channel == null ? "[" + what + "]"
                : "[" + what + " " + channel.localAddress() + " <-> " + channel.remoteAddress() + "]";
    }
}
