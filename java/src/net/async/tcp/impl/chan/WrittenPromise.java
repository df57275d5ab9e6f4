/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.chan;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A write's promise that tells its {@link Retention} of the write's success itself, rather than
 * through a listener added to it.
 *
 * <pre>
 *   channel.write(frames, new WrittenPromise(channel, retention.onWritten(messages)));
 * </pre>
 *
 * No listener is added to any write (the "idle" handler times writes from their flush), so the
 * promise itself is the only object a plain write allocates for its outcome. A failed write calls nothing, as {@link Retention#onWritten} only acts on success:
 * what was not written stays retained.
 *
 * <h2>Threading</h2>
 * Completed on the channel's event loop, like any write's promise, where the retention lives.
 */
public final class WrittenPromise extends DefaultChannelPromise {
    private static final Logger log = LoggerFactory.getLogger(WrittenPromise.class);

    private final ChannelFutureListener onWritten;

    WrittenPromise(Channel channel, ChannelFutureListener onWritten) {
        super(channel);
        this.onWritten = onWritten;
    }

    @Override
    public boolean trySuccess(Void result) {
        if (!super.trySuccess(result)) {
            return false;
        }
        written();
        return true;
    }

    @Override
    public ChannelPromise setSuccess(Void result) {
        super.setSuccess(result); // throws if already done
        written();
        return this;
    }

    private void written() {
        assert channel().eventLoop().inEventLoop();
        try {
            onWritten.operationComplete(this);
        } catch (Throwable t) {
            // as DefaultPromise does for a listener that throws
            log.warn("An exception was thrown by {}.operationComplete()", onWritten.getClass().getName(), t);
        }
    }
}
