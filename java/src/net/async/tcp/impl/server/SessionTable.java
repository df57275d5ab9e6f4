/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.server;

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
import net.async.tcp.impl.LogThrottle;
import net.async.tcp.impl.session.ServerSession;
import net.async.tcp.impl.session.SessionRegistry;
import net.async.tcp.impl.wire.SessionId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One acceptor's sessions, by the ids their clients made: a registry that finds the session a
 * HELLO names, makes the one it opens, and bounds those waiting for their clients. It knows
 * sessions only as {@link ServerSession}s; what a HELLO leads to on its link is the
 * {@link ServerHandshake}'s to do. With TLS client authentication only a link with the session's
 * client principal may have it.
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
final class SessionTable implements SessionRegistry {
    /**
     * Makes a new accepted session, on {@code loop}, announced on accept-chan once it is attached;
     * or {@code null} when too many new sessions already wait for accept-chan.
     */
    interface Opener {
        ServerSession open(SessionId id, EventLoop loop);
    }

    /** What a HELLO finds: the session to attach its link to, a goodbye to say again, or a refusal. */
    record Lookup(Outcome outcome, ServerSession session, long goodbyeAt) {
        static final Lookup BUSY = new Lookup(Outcome.BUSY, null, -1);
        static final Lookup UNKNOWN = new Lookup(Outcome.UNKNOWN, null, -1);
        static final Lookup OTHER_CLIENT = new Lookup(Outcome.OTHER_CLIENT, null, -1);
    }

    enum Outcome {
        /** a session it holds: the link resumes it */
        FOUND,
        /** a session the HELLO opened just now */
        OPENED,
        /** a session ended by a goodbye its client did not get: say it again, with what was taken */
        ENDED_BY_GOODBYE,
        /** a new session, but max-pending-sessions wait for accept-chan */
        BUSY,
        /** a session to resume that it does not hold (expired, evicted, before a restart), or none to open */
        UNKNOWN,
        /** a session it holds, named by a link with another client certificate */
        OTHER_CLIENT
    }

    private record Entry(ServerSession session, Principal principal) {
    }

    /** A session ended by a goodbye: what it took of its client's messages, kept for a client that missed the BYE. */
    private record Ended(long received, Principal principal, long untilNanos) {
    }

    private static final Logger log = LoggerFactory.getLogger(SessionTable.class);

    private final Opener opener;
    private final long keepEndedNanos;
    private final int maxDetached;
    private final long maxDetachedBytes;
    private final AtomicLong evicted = new AtomicLong();
    // guarded by this
    private final Map<SessionId, Entry> live = new HashMap<>();
    // the bytes each holds, in the order they lost their link: the first is the oldest
    private final LinkedHashMap<ServerSession, Long> detached = new LinkedHashMap<>();
    // sessions ended by a goodbye, oldest first (all are kept equally long), at most maxDetached
    private final LinkedHashMap<SessionId, Ended> ended = new LinkedHashMap<>();
    private final LogThrottle evictionLog = new LogThrottle(1, TimeUnit.SECONDS);
    private long detachedBytes;
    private boolean stopped;

    SessionTable(Opener opener, long keepEndedMillis, int maxDetached, long maxDetachedBytes) {
        this.opener = opener;
        this.keepEndedNanos = TimeUnit.MILLISECONDS.toNanos(keepEndedMillis);
        this.maxDetached = maxDetached;
        this.maxDetachedBytes = maxDetachedBytes;
    }

    /**
     * What the session {@code id} is to a link with {@code principal}: held, ended by a goodbye, or
     * unknown; opened on {@code loop} (the link's thread) if {@code open} and it is none of these.
     */
    Lookup lookup(SessionId id, boolean open, Principal principal, EventLoop loop) {
        synchronized (this) {
            Entry found = live.get(id);
            if (found != null) {
                return Objects.equals(found.principal(), principal) ? new Lookup(Outcome.FOUND, found.session(), -1)
                        : Lookup.OTHER_CLIENT;
            }
            Ended goodbye = endedByGoodbye(id, principal);
            if (goodbye != null) {
                return new Lookup(Outcome.ENDED_BY_GOODBYE, null, goodbye.received());
            }
            if (!open || stopped) {
                return Lookup.UNKNOWN;
            }
            ServerSession session = opener.open(id, loop);
            if (session == null) {
                return Lookup.BUSY; // the opener said why; the client retries with its backoff
            }
            live.put(id, new Entry(session, principal));
            return new Lookup(Outcome.OPENED, session, -1);
        }
    }

    /**
     * {@code session} lost its link (on its thread); evicts the oldest detached sessions if the
     * table is over its bounds. Once the acceptor has stopped, no client can come back: the
     * session ends.
     */
    @Override
    public void detached(ServerSession session) {
        long bytes = session.heldBytesOnLoop();
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
        session.watchGrowthOnLoop(grown -> grew(session, grown));
        evictIfOver();
    }

    /** A detached session's outbox took more (on its thread). */
    private void grew(ServerSession session, long bytes) {
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

    @Override
    public void attached(ServerSession session) {
        session.watchGrowthOnLoop(null);
        synchronized (this) {
            Long held = detached.remove(session);
            if (held != null) {
                detachedBytes -= held;
            }
        }
    }

    @Override
    public void ended(ServerSession session, long goodbyeAt) {
        attached(session);
        SessionId id = session.id();
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
        List<ServerSession> ending;
        synchronized (this) {
            stopped = true;
            ending = new ArrayList<>(detached.keySet());
            ending.forEach(this::forget);
        }
        ending.forEach(SessionTable::finish);
    }

    // a session about to be ended on its thread: no HELLO may find it meanwhile and attach a link to it
    private void forget(ServerSession session) {
        assert Thread.holdsLock(this);
        live.remove(session.id());
    }

    /** {@return the number of detached sessions evicted so far; any thread} */
    long evictedCount() {
        return evicted.get();
    }

    /** The oldest detached sessions while over a bound, each ended on its own thread, later. */
    private void evictIfOver() {
        List<ServerSession> victims = new ArrayList<>();
        synchronized (this) {
            for (var oldest = detached.entrySet().iterator(); oldest.hasNext() && isOver(); ) {
                Map.Entry<ServerSession, Long> entry = oldest.next();
                oldest.remove(); // out of the count now; its end, on its thread, removes it for good
                detachedBytes -= entry.getValue();
                ServerSession victim = entry.getKey();
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

    private static void finish(ServerSession session) {
        try {
            session.loop().execute(session::loseOnLoop);
        } catch (RejectedExecutionException shutDown) {
            // the loop is shutting down, and ends every session on it
        }
    }
}
