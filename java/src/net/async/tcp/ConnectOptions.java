/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import net.async.tcp.impl.Checks;
import io.netty.handler.ssl.SslContext;
import net.async.tcp.impl.Chans;
import net.async.tcp.impl.ReconnectPolicy;
import net.async.tcp.impl.SessionSettings;
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
    /** Milliseconds between reconnect attempts unless {@link Builder#reconnectPeriodMillis} says otherwise. */
    public static final long DEFAULT_RECONNECT_PERIOD_MILLIS = 1000;
    /** Milliseconds a dial may take unless {@link Builder#connectTimeoutMillis} says otherwise. */
    public static final int DEFAULT_CONNECT_TIMEOUT_MILLIS = 10_000;

    private final Object readChan;
    private final Object writeChan;
    private final ReconnectPolicy reconnect;
    private final int connectTimeoutMillis;
    private final Failover failover;
    private final Settings settings;

    /**
     * The order in which a client that knows several servers tries them in each round, after the
     * address it was last connected to, which always comes first.
     */
    public enum Failover {
        /** The list as given: a primary and its standbys. */
        IN_ORDER,
        /** The list shuffled for each round, so that the clients of a service spread over its servers. */
        RANDOM
    }

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
        this.failover = b.failover != null ? b.failover : Failover.IN_ORDER;
        this.settings = Settings.of(b.heartbeatPeriodMillis, b.heartbeatTimeoutMillis, b.maxFrameSize, b.sslContext,
                SessionSettings.of(b.session, b.sessionExpiryMillis, b.sessionBufferBytes));
    }

    /** {@return the options with every value at its default} */
    public static ConnectOptions defaults() {
        return builder().build();
    }

    /** {@return a new builder with nothing set} */
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

    /** {@return the milliseconds before the first redial after a lost link or failed dial} */
    public long reconnectPeriodMillis() {
        return reconnect.periodMillis();
    }

    /** {@return the upper bound of the backoff, in milliseconds; equal to the period when there is none} */
    public long reconnectMaxPeriodMillis() {
        return reconnect.maxPeriodMillis();
    }

    /** {@return the fraction, 0..1, by which each wait is spread either way} */
    public double reconnectJitter() {
        return reconnect.jitter();
    }

    /** {@return the milliseconds a dial may take before it counts as failed} */
    public int connectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    ReconnectPolicy reconnectPolicy() {
        return reconnect;
    }

    /** {@return the order in which several servers are tried after the one last connected to} */
    public Failover failover() {
        return failover;
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

    /** {@return the TLS context, or {@code null} for plain TCP} */
    public SslContext sslContext() {
        return settings.tls();
    }

    /** {@return whether session mode is on: no message lost or duplicated across reconnects} */
    public boolean session() {
        return settings.session() != null;
    }

    /** {@return the milliseconds a detached session is kept, and a close waits for the peer's acknowledgement} */
    public long sessionExpiryMillis() {
        return settings.session() != null ? settings.session().expiryMillis() : SessionSettings.DEFAULT_EXPIRY_MILLIS;
    }

    /** {@return the bytes of sent but unacknowledged messages kept before writers wait, in session mode} */
    public int sessionBufferBytes() {
        return settings.session() != null ? settings.session().bufferBytes() : SessionSettings.DEFAULT_BUFFER_BYTES;
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
        private Failover failover;
        private Long heartbeatPeriodMillis;
        private Long heartbeatTimeoutMillis;
        private Integer maxFrameSize;
        private SslContext sslContext;
        private Boolean session;
        private Long sessionExpiryMillis;
        private Integer sessionBufferBytes;

        private Builder() {
        }

        /**
         * The channel to deliver events and payloads to; default: a new {@code (chan)}.
         *
         * @param chan a core.async channel, or {@code null} for the default
         * @return this builder
         */
        public Builder readChan(Object chan) {
            this.readChan = chan;
            return this;
        }

        /**
         * The channel to take payloads from; default: a new {@code (chan)}.
         *
         * @param chan a core.async channel, or {@code null} for the default
         * @return this builder
         */
        public Builder writeChan(Object chan) {
            this.writeChan = chan;
            return this;
        }

        /**
         * Milliseconds between reconnect attempts; default 1000.
         *
         * @param millis the period in milliseconds; must be &gt; 0
         * @return this builder
         */
        public Builder reconnectPeriodMillis(long millis) {
            this.reconnectPeriodMillis = millis;
            return this;
        }

        /**
         * Upper bound of the exponential backoff: each failed attempt in a row doubles the wait,
         * from the reconnect period up to this; default: the reconnect period (no backoff).
         *
         * @param millis the longest wait in milliseconds; must be at least the reconnect period
         * @return this builder
         */
        public Builder reconnectMaxPeriodMillis(long millis) {
            this.reconnectMaxPeriodMillis = millis;
            return this;
        }

        /**
         * Spreads each wait by ± this fraction of itself, 0..1, so clients do not redial in step; default 0.
         *
         * @param fraction the spread; must be in 0..1
         * @return this builder
         */
        public Builder reconnectJitter(double fraction) {
            this.reconnectJitter = fraction;
            return this;
        }

        /**
         * With several server addresses: the order of each round after the address last connected
         * to; default {@link Failover#IN_ORDER}.
         *
         * @param order the order; must not be {@code null}
         * @return this builder
         */
        public Builder failover(Failover order) {
            this.failover = Checks.notNull(order, "failover");
            return this;
        }

        /**
         * Milliseconds one address may take to answer a dial before it counts as failed (and the
         * next address is tried); default 10000.
         *
         * @param millis the timeout in milliseconds; must be &gt; 0
         * @return this builder
         */
        public Builder connectTimeoutMillis(int millis) {
            this.connectTimeoutMillis = millis;
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
         * TLS for every link: a client context ({@code SslContextBuilder.forClient()}); the server's certificate must name the host dialed. Default: plain TCP, byte-compatible with the original library.
         *
         * @param context a client TLS context, or {@code null} for plain TCP
         * @return this builder
         */
        public Builder sslContext(SslContext context) {
            this.sslContext = context;
            return this;
        }

        /**
         * Session mode: while a session lives, every message arrives exactly once and in order,
         * across any number of lost links and reconnects. The server must have it on too; default off
         * (the wire and every behaviour stay the original's).
         *
         * @param on whether session mode is on
         * @return this builder
         */
        public Builder session(boolean on) {
            this.session = on;
            return this;
        }

        /**
         * In session mode, milliseconds a close waits, across reconnects, for the server to
         * acknowledge every message before it gives up; the server's own expiry says how long it
         * keeps a session whose client is away. Default 120000.
         *
         * @param millis the wait in milliseconds; must be &gt; 0
         * @return this builder
         */
        public Builder sessionExpiryMillis(long millis) {
            this.sessionExpiryMillis = millis;
            return this;
        }

        /**
         * Bytes of sent but unacknowledged messages kept per connection, in session mode; once
         * full, the library stops taking from write-chan until the peer acknowledges. Each message
         * counts its length plus 32 bytes. Default 4 MiB.
         *
         * @param bytes the buffer in bytes; must be &gt; 0
         * @return this builder
         */
        public Builder sessionBufferBytes(int bytes) {
            this.sessionBufferBytes = bytes;
            return this;
        }

        /**
         * {@return the options, with the defaults for whatever was not set}
         *
         * @throws IllegalArgumentException naming the value at fault
         */
        public ConnectOptions build() {
            return new ConnectOptions(this);
        }
    }
}
