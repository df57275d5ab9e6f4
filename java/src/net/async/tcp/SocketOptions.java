/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import io.netty.handler.ssl.SslContext;
import net.async.tcp.impl.link.SessionSettings;
import net.async.tcp.impl.link.Settings;

/**
 * What the options of {@code connect} ({@link ConnectOptions}) and of {@code accept}
 * ({@link AcceptOptions}) share: heartbeats, the frame limit, TLS and session mode, with the
 * original library's names and defaults. Each subclass adds only its own.
 *
 * <h2>Threading</h2>
 * Immutable; the builder is for one thread.
 */
public abstract class SocketOptions {
    private final Settings settings;
    private final SessionSettings sessionValues; // as set, also while session mode is off

    SocketOptions(Builder<?> b) {
        this.sessionValues = SessionSettings.of(true, b.sessionExpiryMillis, b.sessionBufferBytes);
        this.settings = Settings.of(b.heartbeatPeriodMillis, b.heartbeatTimeoutMillis, b.maxFrameSize, b.sslContext,
                Boolean.TRUE.equals(b.session) ? sessionValues : null);
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

    /** {@return the session expiry in milliseconds, as set or by default, whether or not session mode is on} */
    public long sessionExpiryMillis() {
        return sessionValues.expiryMillis();
    }

    /** {@return the session buffer in bytes, as set or by default, whether or not session mode is on} */
    public int sessionBufferBytes() {
        return sessionValues.bufferBytes();
    }

    Settings settings() {
        return settings;
    }

    /**
     * The options both builders take; unset values take the defaults, and {@code build()} validates.
     *
     * @param <B> the builder's own type, which every setter returns
     */
    public abstract static class Builder<B extends Builder<B>> {
        private Long heartbeatPeriodMillis;
        private Long heartbeatTimeoutMillis;
        private Integer maxFrameSize;
        private SslContext sslContext;
        private Boolean session;
        private Long sessionExpiryMillis;
        private Integer sessionBufferBytes;

        Builder() {
        }

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }

        /**
         * Milliseconds without a write before a heartbeat is sent; default 5000.
         *
         * @param millis the period in milliseconds; must be &gt; 0
         * @return this builder
         */
        public B heartbeatPeriodMillis(long millis) {
            this.heartbeatPeriodMillis = millis;
            return self();
        }

        /**
         * Milliseconds without a read before the link counts as stuck; default 4 × heartbeat period.
         *
         * @param millis the timeout in milliseconds; must be longer than the heartbeat period
         * @return this builder
         */
        public B heartbeatTimeoutMillis(long millis) {
            this.heartbeatTimeoutMillis = millis;
            return self();
        }

        /**
         * Longest payload accepted from or sent to the peer, in bytes; default 16 MiB.
         *
         * @param bytes the limit in bytes; must be &gt; 0
         * @return this builder
         */
        public B maxFrameSize(int bytes) {
            this.maxFrameSize = bytes;
            return self();
        }

        /**
         * TLS for every link: for {@code connect} a client context ({@code SslContextBuilder.forClient()}),
         * whose server's certificate must name the host dialed; for {@code accept} a server context
         * ({@code SslContextBuilder.forServer(…)}), which may require client certificates. Default:
         * plain TCP, byte-compatible with the original library.
         *
         * @param context a TLS context, or {@code null} for plain TCP
         * @return this builder
         */
        public B sslContext(SslContext context) {
            this.sslContext = context;
            return self();
        }

        /**
         * Session mode: while a session lives, every message arrives exactly once and in order,
         * across any number of lost links and reconnects. Both ends must have it on; default off
         * (the wire and every behaviour stay the original's).
         *
         * @param on whether session mode is on
         * @return this builder
         */
        public B session(boolean on) {
            this.session = on;
            return self();
        }

        /**
         * In session mode: on a server, milliseconds a session whose client is away is kept; on
         * both ends, milliseconds a close waits, across reconnects, for the peer to acknowledge
         * every message before it gives up. Default 120000.
         *
         * @param millis the time in milliseconds; must be &gt; 0
         * @return this builder
         */
        public B sessionExpiryMillis(long millis) {
            this.sessionExpiryMillis = millis;
            return self();
        }

        /**
         * Bytes of sent but unacknowledged messages kept per connection, in session mode; once
         * full, the library stops taking from write-chan until the peer acknowledges. Each message
         * counts its length plus 32 bytes. Default 4 MiB.
         *
         * @param bytes the buffer in bytes; must be &gt; 0
         * @return this builder
         */
        public B sessionBufferBytes(int bytes) {
            this.sessionBufferBytes = bytes;
            return self();
        }
    }
}
