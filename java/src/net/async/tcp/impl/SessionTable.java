/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import java.security.Principal;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.async.tcp.impl.ControlFrame.Hello;
import net.async.tcp.impl.ControlFrame.Refused;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One acceptor's sessions, by the ids their clients made. A HELLO that names a session it holds
 * attaches its link to it, whatever link it comes on; a HELLO that opens one it does not hold
 * makes it, announced on accept-chan; a HELLO that resumes one it does not hold is refused, and
 * the client may open a new one on the same link. A link is never attached to a session its HELLO
 * does not name, and with TLS client authentication only a link with the session's client
 * principal may have it.
 *
 * <p>Detached sessions (no link, waiting for their client) are bounded in count and in the
 * bytes their outboxes hold: past either bound the oldest detached session is evicted (ends with
 * {@code :closed}) and counted.
 *
 * <h2>Threading</h2>
 * Confined to the acceptor's event loop, except the eviction counter, which is atomic.
 */
final class SessionTable {
    /** Makes a new accepted session and announces it on accept-chan once it is attached. */
    interface Opener {
        Connection open(SessionId id);
    }

    private record Entry(Connection connection, Principal principal) {
    }

    private static final Logger log = LoggerFactory.getLogger(SessionTable.class);

    private final EventLoop loop;
    private final Opener opener;
    private final int maxDetached;
    private final long maxDetachedBytes;
    private final Map<SessionId, Entry> live = new HashMap<>();
    // in the order they lost their link: the first is the oldest
    private final LinkedHashSet<Connection> detached = new LinkedHashSet<>();
    private final AtomicLong evicted = new AtomicLong();
    private final LogThrottle evictionLog = new LogThrottle(1, TimeUnit.SECONDS);
    private long detachedBytes;
    private boolean evictionScheduled;
    private boolean stopped;

    SessionTable(EventLoop loop, Opener opener, int maxDetached, long maxDetachedBytes) {
        this.loop = loop;
        this.opener = opener;
        this.maxDetached = maxDetached;
        this.maxDetachedBytes = maxDetachedBytes;
    }

    /**
     * A link's HELLO: attach the link to the session it names, opening it if the HELLO asks to.
     *
     * @return true once the link carries the session; false when it was refused, and then, unless
     *         the refusal closes it, the link waits for another HELLO
     */
    boolean helloOnLoop(Channel ch, ChannelHandler handshake, Hello hello) {
        if (hello.version() != ControlFrame.VERSION) {
            log.warn("[session acceptor] {} speaks session protocol version {}, this end {}: refused",
                    ch.remoteAddress(), hello.version(), ControlFrame.VERSION);
            ServerHandshake.refuse(ch, Refused.VERSION);
            return false;
        }
        Principal principal = Tls.peerPrincipal(ch);
        Entry found = live.get(hello.id());
        if (found != null && !Objects.equals(found.principal(), principal)) {
            log.warn("[session acceptor] {} names session {} with another client certificate: refused",
                    ch.remoteAddress(), hello.id());
            ch.writeAndFlush(new Refused(Refused.UNKNOWN_SESSION).encode(ch.alloc()));
            return false;
        }
        if (found != null) {
            return found.connection().protocol().attachOnLoop(ch, handshake, hello.received(), hello.window(), true);
        }
        if (hello.resume()) {
            log.info("[session acceptor] {} asks to resume session {}, which this server does not hold (expired, "
                    + "evicted, or from before a restart): refused, it may open a new one", ch.remoteAddress(),
                    hello.id());
            ch.writeAndFlush(new Refused(Refused.UNKNOWN_SESSION).encode(ch.alloc()));
            return false;
        }
        Connection opened = opener.open(hello.id());
        live.put(hello.id(), new Entry(opened, principal));
        return opened.protocol().attachOnLoop(ch, handshake, 0, hello.window(), false);
    }

    /**
     * {@code session} lost its link; evicts the oldest detached sessions if the table is over its
     * bounds. Once the acceptor has stopped, no client can come back: the session ends.
     */
    void detached(Connection session) {
        if (stopped) {
            loop.execute(session::finishOnLoop); // not in the middle of its own state change
            return;
        }
        if (!detached.add(session)) {
            return;
        }
        ReplayBuffer outbound = session.protocol().session().outbound();
        detachedBytes += outbound.bytes();
        outbound.watchGrowth(bytes -> {
            detachedBytes += bytes;
            scheduleEvictionIfOver();
        });
        scheduleEvictionIfOver();
    }

    /** {@code session} has a link again, or has ended. */
    void attached(Connection session) {
        if (detached.remove(session)) {
            ReplayBuffer outbound = session.protocol().session().outbound();
            detachedBytes -= outbound.bytes();
            outbound.watchGrowth(null);
        }
    }

    /** {@code session} has ended: its id is free of it for good. */
    void remove(Connection session) {
        attached(session);
        live.remove(session.protocol().session().id());
    }

    /**
     * The acceptor stopped listening, so no client can come back: detached sessions end now, and
     * attached ones when they lose their link.
     */
    void stopOnLoop() {
        stopped = true;
        for (Connection session : detached.toArray(new Connection[0])) {
            attached(session);
            session.finishOnLoop();
        }
    }

    /** {@return the number of detached sessions evicted so far; any thread} */
    long evictedCount() {
        return evicted.get();
    }

    private boolean isOver() {
        return detached.size() > maxDetached || detachedBytes > maxDetachedBytes;
    }

    // later, not now: the caller is in the middle of a connection's state change
    private void scheduleEvictionIfOver() {
        if (isOver() && !evictionScheduled) {
            evictionScheduled = true;
            loop.execute(this::evictOnLoop);
        }
    }

    private void evictOnLoop() {
        evictionScheduled = false;
        while (isOver()) {
            Connection victim = detached.iterator().next();
            long count = evicted.incrementAndGet();
            if (evictionLog.allow()) {
                log.warn("[session acceptor] {} detached sessions holding {} bytes, over the bounds ({}, {} bytes): "
                        + "evicting the oldest, {} ({} evicted so far)", detached.size(), detachedBytes, maxDetached,
                        maxDetachedBytes, victim, count);
            }
            attached(victim); // out of the count whatever happens next
            victim.finishOnLoop();
        }
    }
}
