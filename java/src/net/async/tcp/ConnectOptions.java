/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import net.async.tcp.impl.Checks;
import io.netty.handler.ssl.SslContext;
import net.async.tcp.impl.Chans;
import net.async.tcp.impl.ReconnectPolicy;
import net.async.tcp.impl.Settings;

/**
 * Options of {@code connect}, with the original library's names and defaults.
 *
 * <pre>
 * ConnectOptions options = ConnectOptions.builder()
 *         .reconnectPeriodMillis(500)
 *         .heartbeatPeriodMillis(1000)      // heartbeat-timeout then defaults to 4000
 *         .build();                         // IllegalArgumentException names a bad value
 * </pre>
 *
 * <h2>Threading</h2>
 * Immutable; the builder is for one thread.
 */
public final class ConnectOptions {
    public static final long DEFAULT_RECONNECT_PERIOD_MILLIS = 1000;
    public static final int DEFAULT_CONNECT_TIMEOUT_MILLIS = 10_000;

    private final Object readChan;
    private final Object writeChan;
    private final ReconnectPolicy reconnect;
    private final int connectTimeoutMillis;
    private final Settings settings;

    private ConnectOptions(Builder b) {
        this.readChan = b.readChan;
        this.writeChan = b.writeChan;
        long period = b.reconnectPeriodMillis != null ? b.reconnectPeriodMillis : DEFAULT_RECONNECT_PERIOD_MILLIS;
        this.reconnect = new ReconnectPolicy(Checks.positive(period, "reconnect-period"),
                b.reconnectMaxPeriodMillis != null ? b.reconnectMaxPeriodMillis : period,
                b.reconnectJitter != null ? b.reconnectJitter : 0);
        this.connectTimeoutMillis = (int) Checks.positive(
                b.connectTimeoutMillis != null ? b.connectTimeoutMillis : DEFAULT_CONNECT_TIMEOUT_MILLIS,
                "connect-timeout");
        this.settings = Settings.of(b.heartbeatPeriodMillis, b.heartbeatTimeoutMillis, b.maxFrameSize, b.sslContext);
    }

    public static ConnectOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The caller's read-chan, or a new unbuffered one: each call to connect gets its own. */
    Object readChanOrNew() {
        return readChan != null ? readChan : Chans.chan();
    }

    Object writeChanOrNew() {
        return writeChan != null ? writeChan : Chans.chan();
    }

    public long reconnectPeriodMillis() {
        return reconnect.periodMillis();
    }

    public long reconnectMaxPeriodMillis() {
        return reconnect.maxPeriodMillis();
    }

    public double reconnectJitter() {
        return reconnect.jitter();
    }

    public int connectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    ReconnectPolicy reconnectPolicy() {
        return reconnect;
    }

    public long heartbeatPeriodMillis() {
        return settings.heartbeatPeriodMillis();
    }

    public long heartbeatTimeoutMillis() {
        return settings.heartbeatTimeoutMillis();
    }

    public int maxFrameSize() {
        return settings.maxFrameSize();
    }

    /** The TLS context, or {@code null} for plain TCP. */
    public SslContext sslContext() {
        return settings.tls();
    }

    Settings settings() {
        return settings;
    }

    /** Unset values take the defaults; {@link #build()} validates. */
    public static final class Builder {
        private Object readChan;
        private Object writeChan;
        private Long reconnectPeriodMillis;
        private Long reconnectMaxPeriodMillis;
        private Double reconnectJitter;
        private Integer connectTimeoutMillis;
        private Long heartbeatPeriodMillis;
        private Long heartbeatTimeoutMillis;
        private Integer maxFrameSize;
        private SslContext sslContext;

        private Builder() {
        }

        /** The channel to deliver events and payloads to; default: a new {@code (chan)}. */
        public Builder readChan(Object chan) {
            this.readChan = chan;
            return this;
        }

        /** The channel to take payloads from; default: a new {@code (chan)}. */
        public Builder writeChan(Object chan) {
            this.writeChan = chan;
            return this;
        }

        /** Milliseconds between reconnect attempts; default 1000. */
        public Builder reconnectPeriodMillis(long millis) {
            this.reconnectPeriodMillis = millis;
            return this;
        }

        /**
         * Upper bound of the exponential backoff: each failed attempt in a row doubles the wait,
         * from the reconnect period up to this; default: the reconnect period (no backoff).
         */
        public Builder reconnectMaxPeriodMillis(long millis) {
            this.reconnectMaxPeriodMillis = millis;
            return this;
        }

        /** Spreads each wait by ± this fraction of itself, 0..1, so clients do not redial in step; default 0. */
        public Builder reconnectJitter(double fraction) {
            this.reconnectJitter = fraction;
            return this;
        }

        /** Milliseconds a dial may take before it counts as failed; default 10000. */
        public Builder connectTimeoutMillis(int millis) {
            this.connectTimeoutMillis = millis;
            return this;
        }

        /** Milliseconds without a write before a heartbeat is sent; default 5000. */
        public Builder heartbeatPeriodMillis(long millis) {
            this.heartbeatPeriodMillis = millis;
            return this;
        }

        /** Milliseconds without a read before the link counts as stuck; default 4 × heartbeat period. */
        public Builder heartbeatTimeoutMillis(long millis) {
            this.heartbeatTimeoutMillis = millis;
            return this;
        }

        /** Longest payload accepted from or sent to the peer, in bytes; default 16 MiB. */
        public Builder maxFrameSize(int bytes) {
            this.maxFrameSize = bytes;
            return this;
        }

        /**
         * TLS for every link: a client context ({@code SslContextBuilder.forClient()}); the server's certificate must name the host dialed. Default: plain TCP, byte-compatible with the original library.
         */
        public Builder sslContext(SslContext context) {
            this.sslContext = context;
            return this;
        }

        public ConnectOptions build() {
            return new ConnectOptions(this);
        }
    }
}
