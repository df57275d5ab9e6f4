/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import java.util.function.Supplier;
import io.netty.handler.ssl.SslContext;
import net.async.tcp.impl.Chans;
import net.async.tcp.impl.Checks;
import net.async.tcp.impl.Settings;

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
public final class AcceptOptions {
    private static final Supplier<Object> UNBUFFERED = Chans::chan;

    private final Object acceptChan;
    private final Supplier<Object> readChanFactory;
    private final Supplier<Object> writeChanFactory;
    private final int maxConnections;
    private final Settings settings;

    private AcceptOptions(Builder b) {
        this.acceptChan = b.acceptChan;
        this.readChanFactory = b.readChanFactory != null ? b.readChanFactory : UNBUFFERED;
        this.writeChanFactory = b.writeChanFactory != null ? b.writeChanFactory : UNBUFFERED;
        this.maxConnections = (int) Checks.positive(b.maxConnections != null ? b.maxConnections : Integer.MAX_VALUE,
                "max-connections");
        this.settings = Settings.of(b.heartbeatPeriodMillis, b.heartbeatTimeoutMillis, b.maxFrameSize, b.sslContext);
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

    /** {@return the milliseconds without a write before a heartbeat is sent} */
    public long heartbeatPeriodMillis() {
        return settings.heartbeatPeriodMillis();
    }

    /** {@return the milliseconds without a read before the link counts as stuck} */
    public long heartbeatTimeoutMillis() {
        return settings.heartbeatTimeoutMillis();
    }

    /** {@return the longest payload accepted from or sent to the peer, in bytes} */
    public int maxFrameSize() {
        return settings.maxFrameSize();
    }

    /**
     * Accepted connections alive at once; beyond it new ones are closed at once and counted.
     *
     * @return the limit; {@link Integer#MAX_VALUE} when unlimited
     */
    public int maxConnections() {
        return maxConnections;
    }

    /** {@return the TLS context, or {@code null} for plain TCP} */
    public SslContext sslContext() {
        return settings.tls();
    }

    Settings settings() {
        return settings;
    }

    /** Unset values take the defaults; {@link #build()} validates. */
    public static final class Builder {
        private Object acceptChan;
        private Supplier<Object> readChanFactory;
        private Supplier<Object> writeChanFactory;
        private Long heartbeatPeriodMillis;
        private Long heartbeatTimeoutMillis;
        private Integer maxFrameSize;
        private SslContext sslContext;
        private Integer maxConnections;

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
         * Milliseconds without a write before a heartbeat is sent; default 5000.
         *
         * @param millis the period in milliseconds; must be &gt; 0
         * @return this builder
         */
        public Builder heartbeatPeriodMillis(long millis) {
            this.heartbeatPeriodMillis = millis;
            return this;
        }

        /**
         * Milliseconds without a read before the link counts as stuck; default 4 × heartbeat period.
         *
         * @param millis the timeout in milliseconds; must be longer than the heartbeat period
         * @return this builder
         */
        public Builder heartbeatTimeoutMillis(long millis) {
            this.heartbeatTimeoutMillis = millis;
            return this;
        }

        /**
         * Longest payload accepted from or sent to the peer, in bytes; default 16 MiB.
         *
         * @param bytes the limit in bytes; must be &gt; 0
         * @return this builder
         */
        public Builder maxFrameSize(int bytes) {
            this.maxFrameSize = bytes;
            return this;
        }

        /**
         * TLS for every link: a server context ({@code SslContextBuilder.forServer(...)}), with {@code clientAuth(REQUIRE)} for mutual authentication; the client's certificate principal then arrives as {@code :peer-principal}. Default: plain TCP, byte-compatible with the original library.
         *
         * @param context a server TLS context, or {@code null} for plain TCP
         * @return this builder
         */
        public Builder sslContext(SslContext context) {
            this.sslContext = context;
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
         * {@return the options, with the defaults for whatever was not set}
         *
         * @throws IllegalArgumentException naming the value at fault
         */
        public AcceptOptions build() {
            return new AcceptOptions(this);
        }
    }
}
