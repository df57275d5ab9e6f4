/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves an accepted link to another thread of the loop, its session's, before it carries the
 * session: deregistered from its thread, registered on the other, then handed on there.
 *
 * <pre>
 *   on the link's thread:  auto-read off, idle timers stopped ── deregister
 *   on the target thread:  register ── (the link may close here: a reset in transit) ── arrival:
 *                          open? idle timers started again, handed on : dropped quietly
 * </pre>
 *
 * A link may close at any step, the peer's reset processed by either thread: that is a normal
 * network event, so each step checks and stops, and nothing above DEBUG is logged. Nothing is
 * read meanwhile: a client sends nothing between its HELLO and the WELCOME.
 *
 * <h2>Threading</h2>
 * Stateless beyond its configuration; {@link #move} runs on the link's thread, the arrival on
 * the target's.
 */
public final class LinkMove {
    private static final Logger log = LoggerFactory.getLogger(LinkMove.class);

    private final Settings settings;
    private final Consumer<Channel> inTransit; // what may befall a link between its registration and its arrival

    public LinkMove(Settings settings) {
        this(settings, ch -> { });
    }

    /** @param inTransit called on the target thread once the link is registered there, before it arrives (tests) */
    public LinkMove(Settings settings, Consumer<Channel> inTransit) {
        this.settings = settings;
        this.inTransit = inTransit;
    }

    /**
     * Moves {@code ch} to {@code to}; {@code arrived} runs there once it is registered and still
     * open, with auto-read still off.
     */
    public void move(Channel ch, EventLoop to, Consumer<Channel> arrived) {
        assert ch.eventLoop().inEventLoop();
        ch.config().setAutoRead(false);
        Pipeline.stopIdle(ch.pipeline());
        ch.deregister().addListener(deregistered -> {
            if (!deregistered.isSuccess() || !ch.isOpen()) {
                ch.close();
                return;
            }
            to.register(ch).addListener(registered -> {
                if (!registered.isSuccess()) {
                    ch.close(); // closed before it reached the target: Netty has no more to undo
                    return;
                }
                inTransit.accept(ch);
                // a task of its own, as a listener added once registration is done would be anyway:
                // whatever the target thread does with the link first (a reset read) comes before it
                to.execute(() -> arrive(ch, arrived));
            });
        });
    }

    private void arrive(Channel ch, Consumer<Channel> arrived) {
        assert ch.eventLoop().inEventLoop();
        if (!ch.isOpen()) {
            log.debug("{} closed while it moved to its session's thread", ch);
            return;
        }
        Pipeline.startIdle(ch.pipeline(), settings);
        arrived.accept(ch);
    }
}
