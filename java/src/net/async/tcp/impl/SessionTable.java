/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import java.security.Principal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.async.tcp.impl.ControlFrame.Bye;
import net.async.tcp.impl.ControlFrame.Hello;
import net.async.tcp.impl.ControlFrame.Refused;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One acceptor's sessions, by the ids their clients made. A HELLO that names a session it holds
 * attaches its link to it, whatever link it comes on; a HELLO that opens one it does not hold
 * makes it, announced on accept-chan; a HELLO that resumes one it does not hold is refused, and
 * the client may open a new session on the same link. A link is never attached to a session its
 * HELLO does not name, and with TLS client authentication only a link with the session's client
 * principal may have it.
 *
 * <p>A session lives on one thread of the loop for its whole life. A link that resumes it may
 * have been accepted on another: it is moved to the session's thread (deregistered, registered
 * again) before it is attached.
 *
 * <p>Detached sessions (no link, waiting for their client) are bounded in count and in the
 * bytes their outboxes hold: past either bound the oldest detached session is evicted (ends with
 * {@code :closed}) and counted.
 *
 * <p>A session ended by a goodbye leaves a tombstone: its id and how many of its client's
 * messages it took, kept for session-expiry (and within the detached bound), so that a client
 * whose link died before the server's BYE reached it, and resumes, is answered with that BYE
 * again instead of {@code :session-lost}.
 *
 * <h2>Threading</h2>
 * Called from the threads of the sessions and of their links; its state is guarded by the
 * table's lock, held only for bookkeeping, never while a session or a link does anything. The
 * eviction counter is atomic.
 */
final class SessionTable {
    /**
     * Makes a new accepted session, on {@code loop}, announced on accept-chan once it is attached;
     * or {@code null} when too many new sessions already wait for accept-chan.
     */
    interface Opener {
        Connection open(SessionId id, EventLoop loop);
    }

    private record Entry(Connection connection, Principal principal) {
    }

    /** A session ended by a goodbye: what it took of its client's messages, kept for a client that missed the BYE. */
    private record Ended(long received, Principal principal, long untilNanos) {
    }

    private static final Logger log = LoggerFactory.getLogger(SessionTable.class);

    private final Opener opener;
    private final LinkMove move;
    private final long keepEndedNanos;
    private final int maxDetached;
    private final long maxDetachedBytes;
    private final AtomicLong evicted = new AtomicLong();
    // guarded by this
    private final Map<SessionId, Entry> live = new HashMap<>();
    // the bytes each holds, in the order they lost their link: the first is the oldest
    private final LinkedHashMap<Connection, Long> detached = new LinkedHashMap<>();
    // sessions ended by a goodbye, oldest first (all are kept equally long), at most maxDetached
    private final LinkedHashMap<SessionId, Ended> ended = new LinkedHashMap<>();
    private final LogThrottle evictionLog = new LogThrottle(1, TimeUnit.SECONDS);
    private long detachedBytes;
    private boolean stopped;

    SessionTable(Opener opener, Settings settings, int maxDetached, long maxDetachedBytes) {
        this.opener = opener;
        this.move = new LinkMove(settings);
        this.keepEndedNanos = TimeUnit.MILLISECONDS.toNanos(settings.session().expiryMillis());
        this.maxDetached = maxDetached;
        this.maxDetachedBytes = maxDetachedBytes;
    }

    /**
     * A link's HELLO, on the link's thread: attach the link to the session it names, opening it
     * if the HELLO asks to.
     *
     * @return true once the link carries the session, or is on its way to the session's thread;
     *         false when it was refused, and then, unless the refusal closes it, the link waits
     *         for another HELLO
     */
    boolean helloOnLoop(Channel ch, ChannelHandler handshake, Hello hello) {
        assert ch.eventLoop().inEventLoop();
        if (hello.version() != ControlFrame.VERSION) {
            log.warn("[session acceptor] {} speaks session protocol version {}, this end {}: refused",
                    ch.remoteAddress(), hello.version(), ControlFrame.VERSION);
            ServerHandshake.refuse(ch, Refused.VERSION);
            return false;
        }
        Principal principal = Tls.peerPrincipal(ch);
        Entry found;
        Ended goodbye = null;
        boolean opened = false;
        boolean busy = false;
        synchronized (this) {
            found = live.get(hello.id());
            if (found == null) {
                goodbye = endedByGoodbye(hello.id(), principal);
            }
            if (found != null && !Objects.equals(found.principal(), principal)) {
                log.warn("[session acceptor] {} names session {} with another client certificate: refused",
                        ch.remoteAddress(), hello.id());
                found = null;
            } else if (found == null && goodbye == null && !hello.resume() && !stopped) {
                Connection session = opener.open(hello.id(), ch.eventLoop()); // on the link's thread
                busy = session == null;
                if (!busy) {
                    found = new Entry(session, principal);
                    live.put(hello.id(), found);
                    opened = true;
                }
            }
        }
        if (goodbye != null) {
            // the client missed our BYE (or we missed its answer): say it again, with what was taken
            log.debug("[session acceptor] {} names session {}, ended by a goodbye it did not get: saying it again",
                    ch.remoteAddress(), hello.id());
            ch.writeAndFlush(new Bye(goodbye.received()).encode(ch.alloc())).addListener(ChannelFutureListener.CLOSE);
            return false;
        }
        if (busy) {
            ServerHandshake.refuse(ch, Refused.BUSY); // the opener said why; the client retries with its backoff
            return false;
        }
        if (found == null) {
            if (hello.resume()) {
                log.info("[session acceptor] {} asks to resume session {}, which this server does not hold (expired, "
                        + "evicted, or from before a restart): refused, it may open a new one", ch.remoteAddress(),
                        hello.id());
            }
            ch.writeAndFlush(new Refused(Refused.UNKNOWN_SESSION).encode(ch.alloc()));
            return false;
        }
        Connection session = found.connection();
        if (opened) {
            return session.protocol().attachOnLoop(ch, handshake, 0, hello.window(), false);
        }
        if (session.loop().inEventLoop()) {
            return session.protocol().attachOnLoop(ch, handshake, hello.received(), hello.window(), true);
        }
        moveThenAttach(ch, handshake, session, hello);
        return true;
    }

    /** Moves the link to the session's thread, then attaches it there. */
    private void moveThenAttach(Channel ch, ChannelHandler handshake, Connection session, Hello hello) {
        move.move(ch, session.loop(), arrived -> {
            if (session.isClosed()) {
                arrived.close(); // its client will find the session gone when it resumes on a new link
            } else if (session.protocol().attachOnLoop(arrived, handshake, hello.received(), hello.window(), true)) {
                arrived.config().setAutoRead(true);
            }
        });
    }

    /**
     * {@code session} lost its link (on its thread); evicts the oldest detached sessions if the
     * table is over its bounds. Once the acceptor has stopped, no client can come back: the
     * session ends.
     */
    void detached(Connection session) {
        ReplayBuffer outbound = session.protocol().session().outbound();
        long bytes = outbound.bytes();
        boolean end;
        synchronized (this) {
            end = stopped;
            if (!end && detached.putIfAbsent(session, bytes) == null) {
                detachedBytes += bytes;
            }
        }
        if (end) {
            finish(session); // later: not in the middle of its own state change
            return;
        }
        outbound.watchGrowth(grown -> grew(session, grown));
        evictIfOver();
    }

    /** A detached session's outbox took more (on its thread). */
    private void grew(Connection session, long bytes) {
        synchronized (this) {
            Long held = detached.get(session);
            if (held == null) {
                return; // evicted meanwhile: no longer counted
            }
            detached.put(session, held + bytes);
            detachedBytes += bytes;
        }
        evictIfOver();
    }

    /** {@code session} has a link again, or has ended (on its thread). */
    void attached(Connection session) {
        session.protocol().session().outbound().watchGrowth(null);
        synchronized (this) {
            Long held = detached.remove(session);
            if (held != null) {
                detachedBytes -= held;
            }
        }
    }

    /**
     * {@code session} has ended (on its thread): its id is free of it for good.
     *
     * @param goodbyeAt when a goodbye ended it, the messages it took of its client's; else -1
     */
    void remove(Connection session, long goodbyeAt) {
        attached(session);
        SessionId id = session.protocol().session().id();
        synchronized (this) {
            Entry entry = live.remove(id);
            if (goodbyeAt >= 0 && entry != null && !stopped) {
                purgeEnded();
                ended.put(id, new Ended(goodbyeAt, entry.principal(), System.nanoTime() + keepEndedNanos));
                if (ended.size() > maxDetached) {
                    ended.remove(ended.keySet().iterator().next());
                }
            }
        }
    }

    /** {@return the goodbye of a session ended by one, if it is still kept and the principal is its client's} */
    private Ended endedByGoodbye(SessionId id, Principal principal) {
        assert Thread.holdsLock(this);
        purgeEnded();
        Ended goodbye = ended.get(id);
        return goodbye != null && Objects.equals(goodbye.principal(), principal) ? goodbye : null;
    }

    private void purgeEnded() {
        long now = System.nanoTime();
        for (var oldest = ended.values().iterator(); oldest.hasNext() && oldest.next().untilNanos() - now < 0; ) {
            oldest.remove();
        }
    }

    /**
     * The acceptor stopped listening, so no client can come back: detached sessions end now, and
     * attached ones when they lose their link.
     */
    void stop() {
        List<Connection> ending;
        synchronized (this) {
            stopped = true;
            ending = new ArrayList<>(detached.keySet());
            ending.forEach(this::forget);
        }
        ending.forEach(SessionTable::finish);
    }

    // a session about to be ended on its thread: no HELLO may find it meanwhile and attach a link to it
    private void forget(Connection session) {
        assert Thread.holdsLock(this);
        live.remove(session.protocol().session().id());
    }

    /** {@return the number of detached sessions evicted so far; any thread} */
    long evictedCount() {
        return evicted.get();
    }

    /** The oldest detached sessions while over a bound, each ended on its own thread, later. */
    private void evictIfOver() {
        List<Connection> victims = new ArrayList<>();
        synchronized (this) {
            for (var oldest = detached.entrySet().iterator(); oldest.hasNext() && isOver(); ) {
                Map.Entry<Connection, Long> entry = oldest.next();
                oldest.remove(); // out of the count now; its end, on its thread, removes it for good
                detachedBytes -= entry.getValue();
                Connection victim = entry.getKey();
                forget(victim);
                victims.add(victim);
                long count = evicted.incrementAndGet();
                if (evictionLog.allow()) {
                    log.warn("[session acceptor] {} detached sessions holding {} bytes, over the bounds ({}, {} bytes): "
                            + "evicting the oldest, {} ({} evicted so far)", detached.size() + 1, detachedBytes,
                            maxDetached, maxDetachedBytes, victim, count);
                }
            }
        }
        victims.forEach(SessionTable::finish);
    }

    private boolean isOver() {
        return detached.size() > maxDetached || detachedBytes > maxDetachedBytes;
    }

    private static void finish(Connection session) {
        try {
            session.loop().execute(session::loseSessionOnLoop);
        } catch (RejectedExecutionException shutDown) {
            // the loop is shutting down, and ends every session on it
        }
    }
}
