/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.session;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import net.async.tcp.impl.link.Connection;
import net.async.tcp.impl.wire.ControlFrame.Refused;
import net.async.tcp.impl.wire.SessionId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's half of an accepted session: what its handshake and its registry see of it, the
 * links its client's HELLOs bring it, and its wait, bounded by session-expiry, while it has none.
 * The {@link SessionProtocol} it belongs to does the rest, as on a client.
 *
 * <pre>
 *  HELLO at a possible position ──▶ attachOnLoop: older link closed, WELCOME, connection up
 *  HELLO behind what was acked  ──▶ REFUSED(bad position), quietly: a stale link overtaken under churn
 *  link lost ──▶ detached: registry told, expiry armed ── session-expiry ──▶ lost, :closed
 * </pre>
 *
 * <h2>Threading</h2>
 * {@link #id} and {@link #loop} from any thread; the rest on the session's loop.
 */
public final class AcceptedSession implements ServerSession {
    private static final Logger log = LoggerFactory.getLogger(AcceptedSession.class);

    private final Connection connection;
    private final Session session;
    private final SessionRegistry registry;
    private ScheduledFuture<?> expiry; // detached: when it gives up on its client

    AcceptedSession(Connection connection, Session session, SessionRegistry registry) {
        this.connection = connection;
        this.session = session;
        this.registry = registry;
    }

    /** {@return the connection this session carries} */
    public Connection connection() {
        return connection;
    }

    @Override
    public SessionId id() {
        return session.id();
    }

    @Override
    public EventLoop loop() {
        return connection.loop();
    }

    @Override
    public boolean isEndedOnLoop() {
        assert loop().inEventLoop();
        return connection.isClosed();
    }

    @Override
    public long heldBytesOnLoop() {
        assert loop().inEventLoop();
        return session.outbound().bytes();
    }

    @Override
    public void watchGrowthOnLoop(LongConsumer grew) {
        assert loop().inEventLoop();
        session.outbound().watchGrowth(grew);
    }

    @Override
    public void loseOnLoop() {
        assert loop().inEventLoop();
        connection.loseSessionOnLoop();
    }

    @Override
    public boolean attachOnLoop(Channel ch, ChannelHandler handshake, long peerReceived, int peerWindow, boolean existed) {
        assert loop().inEventLoop();
        if (!session.isPossiblePosition(peerReceived)) {
            // behind what the client acknowledged: an old link's HELLO, overtaken by a newer one under
            // churn, a normal event; beyond what we sent: a peer that is wrong, worth a WARN
            boolean stale = peerReceived < session.outbound().acked();
            String line = "{} HELLO from {} resumes at position {}, outside {}..{}: refused"
                    + (stale ? " (a stale link, the session has moved on)" : "");
            Object[] args = {connection, ch.remoteAddress(), peerReceived, session.outbound().acked(),
                    session.outbound().sent()};
            if (stale) {
                log.debug(line, args);
            } else {
                log.warn(line, args);
            }
            Refused.closeWith(ch, Refused.BAD_POSITION);
            return false;
        }
        cancelExpiry();
        registry.attached(this);
        if (existed) {
            connection.counters().sessionResumed();
        }
        session.outbound().ackTo(peerReceived);
        session.welcomed(peerWindow);
        connection.replaceLinkOnLoop(ch, handshake);
        ch.writeAndFlush(session.welcome(existed).encode(ch.alloc()), ch.voidPromise());
        connection.linkUpOnLoop();
        return true;
    }

    /** The link is gone: the session waits session-expiry for its client, in the registry's bounds. */
    void detachedOnLoop() {
        assert loop().inEventLoop();
        expiry = loop().schedule(() -> {
            log.debug("{} expired: no link for {} ms", connection, session.settings().expiryMillis());
            connection.loseSessionOnLoop();
        }, session.settings().expiryMillis(), TimeUnit.MILLISECONDS);
        registry.detached(this);
    }

    /**
     * The session has ended: its expiry may not fire, and the registry forgets it.
     *
     * @param goodbyeAt when a goodbye ended it, the messages it took of its client's; else -1
     */
    void endedOnLoop(long goodbyeAt) {
        assert loop().inEventLoop();
        cancelExpiry();
        registry.ended(this, goodbyeAt);
    }

    private void cancelExpiry() {
        if (expiry != null) {
            expiry.cancel(false);
        }
    }

    @Override
    public String toString() {
        return session.toString();
    }
}
