/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import net.async.tcp.impl.Checks;
import net.async.tcp.impl.chan.Chans;
import net.async.tcp.impl.link.ReconnectPolicy;

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
public final class ConnectOptions extends SocketOptions {
    /** Milliseconds between reconnect attempts unless {@link Builder#reconnectPeriodMillis} says otherwise. */
    public static final long DEFAULT_RECONNECT_PERIOD_MILLIS = 1000;
    /** Milliseconds a dial may take unless {@link Builder#connectTimeoutMillis} says otherwise. */
    public static final int DEFAULT_CONNECT_TIMEOUT_MILLIS = 10_000;

    private final Object readChan;
    private final Object writeChan;
    private final ReconnectPolicy reconnect;
    private final int connectTimeoutMillis;
    private final Failover failover;

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
        super(b);
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

    /** Unset values take the defaults; {@link #build()} validates. */
    public static final class Builder extends SocketOptions.Builder<Builder> {
        private Object readChan;
        private Object writeChan;
        private Long reconnectPeriodMillis;
        private Long reconnectMaxPeriodMillis;
        private Double reconnectJitter;
        private Integer connectTimeoutMillis;
        private Failover failover;

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
         * {@return the options, with the defaults for whatever was not set}
         *
         * @throws IllegalArgumentException naming the value at fault
         */
        public ConnectOptions build() {
            return new ConnectOptions(this);
        }
    }
}
