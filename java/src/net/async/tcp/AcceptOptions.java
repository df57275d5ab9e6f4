/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import java.util.function.Supplier;
import net.async.tcp.impl.server.Acceptor.DetachedLimits;
import net.async.tcp.impl.server.AdmissionLimits;
import net.async.tcp.impl.chan.Chans;
import net.async.tcp.impl.Checks;

/**
 * Options of {@code accept}, with the original library's names and defaults. The heartbeat and
 * frame options apply to every accepted connection.
 *
 * <pre>
 * AcceptOptions options = AcceptOptions.builder()
 *         .readChanFactory(() -&gt; Chans.chan(1024))   // a buffered read-chan per connection
 *         .build();
 * </pre>
 *
 * <h2>Threading</h2>
 * Immutable; the builder is for one thread. The factories are called on the event loop and must
 * not block.
 */
public final class AcceptOptions extends SocketOptions {
    private static final Supplier<Object> UNBUFFERED = Chans::chan;

    private final Object acceptChan;
    private final Supplier<Object> readChanFactory;
    private final Supplier<Object> writeChanFactory;
    private final int maxConnections;
    private final DetachedLimits detachedLimits;
    private final AdmissionLimits admissionLimits;

    private AcceptOptions(Builder b) {
        super(b);
        this.acceptChan = b.acceptChan;
        this.readChanFactory = b.readChanFactory != null ? b.readChanFactory : UNBUFFERED;
        this.writeChanFactory = b.writeChanFactory != null ? b.writeChanFactory : UNBUFFERED;
        this.maxConnections = (int) Checks.positive(b.maxConnections != null ? b.maxConnections : Integer.MAX_VALUE,
                "max-connections");
        this.detachedLimits = new DetachedLimits(
                b.maxDetachedSessions != null ? b.maxDetachedSessions : DetachedLimits.DEFAULT_SESSIONS,
                b.maxDetachedBytes != null ? b.maxDetachedBytes : DetachedLimits.DEFAULT_BYTES);
        this.admissionLimits = new AdmissionLimits(
                b.maxHandshakes != null ? b.maxHandshakes : AdmissionLimits.DEFAULT_HANDSHAKES,
                b.maxPendingSessions != null ? b.maxPendingSessions : AdmissionLimits.DEFAULT_PENDING_SESSIONS);
    }

    /** {@return the options with every value at its default} */
    public static AcceptOptions defaults() {
        return builder().build();
    }

    /** {@return a new builder with nothing set} */
    public static Builder builder() {
        return new Builder();
    }

    Object acceptChanOrNew() {
        return acceptChan != null ? acceptChan : Chans.chan();
    }

    Supplier<Object> readChanFactory() {
        return readChanFactory;
    }

    Supplier<Object> writeChanFactory() {
        return writeChanFactory;
    }

    /**
     * Accepted connections alive at once; beyond it new ones are closed at once and counted.
     *
     * @return the limit; {@link Integer#MAX_VALUE} when unlimited
     */
    public int maxConnections() {
        return maxConnections;
    }

    /** {@return the detached sessions kept before the oldest is evicted, in session mode} */
    public int maxDetachedSessions() {
        return detachedLimits.sessions();
    }

    /** {@return the bytes detached sessions may hold together before the oldest is evicted, in session mode} */
    public long maxDetachedBytes() {
        return detachedLimits.bytes();
    }

    DetachedLimits detachedLimits() {
        return detachedLimits;
    }

    /** {@return the links in session handshake at once before new ones are closed, in session mode} */
    public int maxHandshakes() {
        return admissionLimits.handshakes();
    }

    /** {@return the new sessions waiting for accept-chan at once before more are refused, in session mode} */
    public int maxPendingSessions() {
        return admissionLimits.pendingSessions();
    }

    AdmissionLimits admissionLimits() {
        return admissionLimits;
    }

    /** Unset values take the defaults; {@link #build()} validates. */
    public static final class Builder extends SocketOptions.Builder<Builder> {
        private Object acceptChan;
        private Supplier<Object> readChanFactory;
        private Supplier<Object> writeChanFactory;
        private Integer maxConnections;
        private Integer maxDetachedSessions;
        private Long maxDetachedBytes;
        private Integer maxHandshakes;
        private Integer maxPendingSessions;

        private Builder() {
        }

        /**
         * The channel accepted connections are announced on; default: a new {@code (chan)}.
         *
         * @param chan a core.async channel, or {@code null} for the default
         * @return this builder
         */
        public Builder acceptChan(Object chan) {
            this.acceptChan = chan;
            return this;
        }

        /**
         * Makes each accepted connection's read-chan; default: {@code (chan)}.
         *
         * @param factory returns a new core.async channel per call, on the event loop; {@code null} for the default
         * @return this builder
         */
        public Builder readChanFactory(Supplier<Object> factory) {
            this.readChanFactory = factory;
            return this;
        }

        /**
         * Makes each accepted connection's write-chan; default: {@code (chan)}.
         *
         * @param factory returns a new core.async channel per call, on the event loop; {@code null} for the default
         * @return this builder
         */
        public Builder writeChanFactory(Supplier<Object> factory) {
            this.writeChanFactory = factory;
            return this;
        }

        /**
         * Accepted connections alive at once; more are closed at once and counted; default unlimited.
         *
         * @param count the limit; must be &gt; 0
         * @return this builder
         */
        public Builder maxConnections(int count) {
            this.maxConnections = count;
            return this;
        }

        /**
         * In session mode, how many sessions whose client is away are kept; beyond it the oldest
         * is evicted (its read-chan gets {@code :closed}) and counted. Default 10000.
         *
         * @param count the bound; must be &gt; 0
         * @return this builder
         */
        public Builder maxDetachedSessions(int count) {
            this.maxDetachedSessions = count;
            return this;
        }

        /**
         * In session mode, how many bytes of unacknowledged messages the sessions whose client is
         * away may hold together; beyond it the oldest is evicted and counted. Default 256 MiB.
         *
         * @param bytes the bound; must be &gt; 0
         * @return this builder
         */
        public Builder maxDetachedBytes(long bytes) {
            this.maxDetachedBytes = bytes;
            return this;
        }

        /**
         * In session mode, how many accepted links may be in their handshake (not yet said which
         * session they carry) at once; beyond it a new link is closed at once, counted, and its
         * client retries with its backoff. In session mode the listening socket never stops
         * accepting, so that a client resuming its session never waits behind new ones. Default 1024.
         *
         * @param count the bound; must be &gt; 0
         * @return this builder
         */
        public Builder maxHandshakes(int count) {
            this.maxHandshakes = count;
            return this;
        }

        /**
         * In session mode, how many new sessions may wait for accept-chan to take them; beyond it
         * a new session is refused (its client retries with its backoff) and counted. Resumes
         * never wait: they attach at once. Each waiting session may hold up to its client's
         * session buffer of messages. Default 128.
         *
         * @param count the bound; must be &gt; 0
         * @return this builder
         */
        public Builder maxPendingSessions(int count) {
            this.maxPendingSessions = count;
            return this;
        }

        /**
         * {@return the options, with the defaults for whatever was not set}
         *
         * @throws IllegalArgumentException naming the value at fault
         */
        public AcceptOptions build() {
            return new AcceptOptions(this);
        }
    }
}
