/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.TimeUnit;

/**
 * The link's reader-idle and writer-idle timers: the {@link IdleStateEvent}s Netty's
 * {@code IdleStateHandler} fires, without its promise and listener on every write.
 *
 * <pre>
 *  READER_IDLE   nothing read for reader-idle (a read counts once its batch is complete)
 *  WRITER_IDLE   nothing flushed for writer-idle
 * </pre>
 *
 * {@code IdleStateHandler} times writes from their completion, so it turns a void promise into
 * a real one and listens to it: on a session's writes that is a promise, a listener array and a
 * second listener per write. Here a write counts when it is flushed. That is all a heartbeat
 * needs: a flush that cannot reach the socket stays queued, and a heartbeat would queue behind it.
 *
 * <h2>Threading</h2>
 * One instance per channel, on its event loop; its timers run there too.
 */
final class IdleTimers extends ChannelDuplexHandler {
    private final long readerIdleNanos;
    private final long writerIdleNanos;
    private final Runnable readerCheck = this::checkReader;
    private final Runnable writerCheck = this::checkWriter;

    private ChannelHandlerContext ctx;
    private Ticker ticker;
    private boolean started;
    private boolean stopped;
    private boolean reading;
    private long lastReadNanos;
    private long lastFlushNanos;
    private boolean firstReaderIdle = true;
    private boolean firstWriterIdle = true;
    private Future<?> readerTimer;
    private Future<?> writerTimer;

    IdleTimers(long readerIdleMillis, long writerIdleMillis) {
        this.readerIdleNanos = TimeUnit.MILLISECONDS.toNanos(readerIdleMillis);
        this.writerIdleNanos = TimeUnit.MILLISECONDS.toNanos(writerIdleMillis);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
            start(ctx);
        }
    }

    @Override
    public void channelRegistered(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
        ctx.fireChannelRegistered();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        firstReaderIdle = true;
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (reading) {
            lastReadNanos = ticker.nanoTime();
            reading = false;
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (started) {
            lastFlushNanos = ticker.nanoTime();
            firstWriterIdle = true;
        }
        ctx.flush();
    }

    // once per handler: a handler removed to move the link to another loop is replaced, not restarted
    private void start(ChannelHandlerContext ctx) {
        if (started || stopped) {
            return;
        }
        started = true;
        this.ctx = ctx;
        ticker = ctx.executor().ticker();
        lastReadNanos = lastFlushNanos = ticker.nanoTime();
        readerTimer = schedule(readerCheck, readerIdleNanos);
        writerTimer = schedule(writerCheck, writerIdleNanos);
    }

    private void stop() {
        stopped = true;
        if (readerTimer != null) {
            readerTimer.cancel(false);
            readerTimer = null;
        }
        if (writerTimer != null) {
            writerTimer.cancel(false);
            writerTimer = null;
        }
    }

    private void checkReader() {
        if (stopped || !ctx.channel().isOpen()) {
            return;
        }
        long left = reading ? readerIdleNanos : readerIdleNanos - (ticker.nanoTime() - lastReadNanos);
        if (left > 0) {
            readerTimer = schedule(readerCheck, left);
            return;
        }
        readerTimer = schedule(readerCheck, readerIdleNanos);
        boolean first = firstReaderIdle;
        firstReaderIdle = false;
        ctx.fireUserEventTriggered(first ? IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT
                : IdleStateEvent.READER_IDLE_STATE_EVENT);
    }

    private void checkWriter() {
        if (stopped || !ctx.channel().isOpen()) {
            return;
        }
        long left = writerIdleNanos - (ticker.nanoTime() - lastFlushNanos);
        if (left > 0) {
            writerTimer = schedule(writerCheck, left);
            return;
        }
        writerTimer = schedule(writerCheck, writerIdleNanos);
        boolean first = firstWriterIdle;
        firstWriterIdle = false;
        ctx.fireUserEventTriggered(first ? IdleStateEvent.FIRST_WRITER_IDLE_STATE_EVENT
                : IdleStateEvent.WRITER_IDLE_STATE_EVENT);
    }

    private Future<?> schedule(Runnable check, long delayNanos) {
        return ctx.executor().schedule(check, delayNanos, TimeUnit.NANOSECONDS);
    }
}
