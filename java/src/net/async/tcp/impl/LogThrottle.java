/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Lets a repeating log line through at most once per interval, so that a flood (a server that
 * stays away, a storm of connections over the limit) cannot fill the log. The first line of an
 * episode always passes; {@link #reset} starts a new episode.
 *
 * <h2>Threading</h2>
 * Confined to the event loop of the connection or acceptor that owns it.
 */
public final class LogThrottle {
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private boolean episodeStart = true;
    private long lastNanos;

    public LogThrottle(long interval, TimeUnit unit) {
        this(interval, unit, System::nanoTime);
    }

    public LogThrottle(long interval, TimeUnit unit, LongSupplier nanoClock) {
        this.intervalNanos = unit.toNanos(interval);
        this.nanoClock = nanoClock;
    }

    /** {@return whether a line may be logged now; if so, the next waits a whole interval} */
    public boolean allow() {
        long now = nanoClock.getAsLong();
        // nanoTime has no origin: without episodeStart a first call could be taken as too soon
        if (!episodeStart && now - lastNanos <= intervalNanos) {
            return false;
        }
        episodeStart = false;
        lastNanos = now;
        return true;
    }

    /** The next line passes whatever the time: what is logged from now on is news. */
    public void reset() {
        episodeStart = true;
    }
}
