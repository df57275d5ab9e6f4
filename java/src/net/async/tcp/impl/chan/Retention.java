/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.chan;

import io.netty.channel.ChannelFutureListener;

/**
 * What the {@link Outbox} keeps of the messages it took from write-chan, and until when: in plain
 * mode ({@link InFlight}) until the socket has taken them, in session mode ({@code ReplayBuffer})
 * until the peer has acknowledged them. Whatever is kept is written first on the next link.
 *
 * <h2>Threading</h2>
 * Implementations are confined to the outbox's event loop.
 */
public interface Retention {
    /** Keeps a message taken from write-chan, about to be written or held for the next link. */
    void retain(byte[] message);

    /**
     * {@return what to do once the last {@code messages} retained are written, or {@code null} for nothing}
     */
    ChannelFutureListener onWritten(int messages);

    /** Whether the outbox may take another message: {@code linked} says whether a link is up. */
    boolean mayTake(boolean linked);

    /** {@return how many messages it keeps} */
    int size();

    /** {@return the messages the next link must carry first, oldest first} */
    byte[][] toResend();
}
