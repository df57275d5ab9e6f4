/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import net.async.tcp.impl.Checks;
import net.async.tcp.impl.loop.Transport;

/**
 * Options of {@code eventLoop}.
 *
 * <pre>
 * EventLoop loop = Tcp.eventLoop(EventLoopOptions.builder().threads(4).build());
 * EventLoop nio = Tcp.eventLoop(EventLoopOptions.builder().nativeTransport(false).build());
 * </pre>
 *
 * <h2>Threading</h2>
 * Immutable; the builder is for one thread.
 */
public final class EventLoopOptions {
    private final boolean nativeTransport;
    private final int threads;

    private EventLoopOptions(Builder b) {
        this.nativeTransport = b.nativeTransport;
        this.threads = Checks.atLeastOne(b.threads, "threads");
    }

    /** {@return the options with every value at its default, as {@link Tcp#eventLoop()} uses} */
    public static EventLoopOptions defaults() {
        return builder().build();
    }

    /** {@return a new builder with nothing set} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return whether native epoll is used where the platform has it (else Java NIO)} */
    public boolean nativeTransport() {
        return nativeTransport;
    }

    /** {@return how many threads the loop has: 1, as in the original library, unless configured} */
    public int threads() {
        return threads;
    }

    Transport transport() {
        return nativeTransport ? Transport.best() : Transport.NIO;
    }

    /** Unset values take the defaults. */
    public static final class Builder {
        private boolean nativeTransport = true;
        private int threads = 1;

        private Builder() {
        }

        /**
         * Use native epoll where the platform has it; default true. The system property
         * {@code net.async.transport=nio} turns it off for every loop.
         *
         * @param on false for Java NIO everywhere
         * @return this builder
         */
        public Builder nativeTransport(boolean on) {
            this.nativeTransport = on;
            return this;
        }

        /**
         * Threads of the loop; default 1. Each connection lives on one of them for its whole
         * life: clients are spread over them as they are made, accepted connections as they arrive.
         *
         * @param count how many; must be &gt;= 1
         * @return this builder
         */
        public Builder threads(int count) {
            this.threads = count;
            return this;
        }

        /**
         * One thread per processor the JVM may use ({@code Runtime.availableProcessors()}).
         *
         * @return this builder
         */
        public Builder threadPerCore() {
            return threads(Runtime.getRuntime().availableProcessors());
        }

        /** {@return the options, with the defaults for whatever was not set} */
        public EventLoopOptions build() {
            return new EventLoopOptions(this);
        }
    }
}
