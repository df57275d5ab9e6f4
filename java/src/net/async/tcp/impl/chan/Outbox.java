/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.chan;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import java.util.concurrent.TimeUnit;
import net.async.tcp.impl.LogThrottle;
import net.async.tcp.impl.stats.Counters;
import net.async.tcp.impl.wire.FrameDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves messages from the user's write-chan to the socket: takes only while the socket can
 * accept more, writes a batch, flushes once per batch.
 *
 * <pre>
 *  pump: while writable and batch not full: take! write-chan → value ready now → write     then flush
 *        nothing ready → that take! waits (its callback hops back, writes, pumps again)
 *        not writable  → wait for channelWritabilityChanged
 *        take! gives nil → write-chan closed: tell the owner
 *
 *  write: small message (≤ 8 KiB) → its frame is appended to the batch's one pooled buffer,
 *         written as a whole when full or at the end of the pump
 *         large message → its own frame, through the frame encoder
 * </pre>
 *
 * Coalescing small frames keeps the per-message cost to one copy: no buffer, promise or
 * outbound-buffer entry of its own. A write whose retention needs to know it was written gets a
 * {@link WrittenPromise}, one object; the others Netty's void promise.
 *
 * Nothing taken is silently dropped: the {@link Retention} keeps each message (until the socket
 * took it, or in session mode until the peer acknowledged it), and whatever it keeps when the link
 * breaks is written first on the next link. It also says when to stop taking: while detached,
 * plain mode takes one message, held for the next link, so writers wait and the take still sees
 * write-chan closed; session mode takes until its buffer is full, linked or not.
 *
 * Every take! goes through one {@link ReusableHandler}: at most one take is outstanding, and a
 * value ready at once is written in the same step, as {@code poll!} would give it.
 *
 * <h2>Threading</h2>
 * All state is confined to {@code loop}; the take callback hops back onto it.
 */
public final class Outbox {
    /** Told when the user closed write-chan and every message before the close was handed on. */
    public interface Owner {
        void onWriteChanClosed();

        /** About to flush {@code channel}: a last chance to add a frame of its own (an ack) to the flush. */
        void beforeFlush(Channel channel);
    }

    // bounds the time one connection holds the loop before others get their turn
    private static final int MAX_BATCH = 256;
    // messages up to this size share a buffer; larger ones are worth a frame of their own
    private static final int COALESCE_MAX_MESSAGE = 8 * 1024;
    // a coalesced batch never grows past this, Netty's default high-water mark
    private static final int COALESCE_MAX_BYTES = 64 * 1024;
    private static final Logger log = LoggerFactory.getLogger(Outbox.class);

    private final Object writeChan;
    private final EventLoop loop;
    private final int maxFrameSize;
    private final Owner owner;
    private final Retention retention;
    private final Counters counters;
    private final LogThrottle rejectionLog = new LogThrottle(1, TimeUnit.SECONDS);
    // one take at a time, so one handler for all of them; and one task to pump again
    private final ReusableHandler taker;
    private final Runnable pumpTask = this::pump;
    private Channel channel;
    // frames of small messages not yet written, and how many messages they hold; null between pumps
    private ByteBuf coalesced;
    private int coalescedMessages;
    private int lastCoalescedBytes = 1024;
    private boolean takePending;
    private boolean writeChanClosed;

    public Outbox(Object writeChan, EventLoop loop, int maxFrameSize, Owner owner, Retention retention, Counters counters) {
        this.writeChan = writeChan;
        this.loop = loop;
        this.maxFrameSize = maxFrameSize;
        this.owner = owner;
        this.retention = retention;
        this.counters = counters;
        this.taker = new ReusableHandler(loop, this::onTaken);
    }

    /** {@return how many messages it took and still keeps: not yet written, or not yet acknowledged} */
    public int waiting() {
        return retention.size();
    }

    public Object chan() {
        return writeChan;
    }

    /**
     * Closes write-chan for good. close! fails pending takes but leaves parked puts parked until
     * someone takes them: a writer whose put was waiting (socket full, or between two takes) would
     * wait forever. Take them: they complete, and their values go the way of any message in flight
     * when a connection ends. At most 1024 puts can park on a channel.
     */
    public void close() {
        Chans.close(writeChan);
        while (Chans.poll(writeChan) != null) {
            // dropped: nothing will ever send it
        }
    }

    /** A link is up: resend what the retention kept, then start pumping. */
    public void attach(Channel channel) {
        assert loop.inEventLoop();
        this.channel = channel;
        byte[][] resend = retention.toResend();
        for (byte[] message : resend) {
            counters.messageOut(message.length);
            write(channel, message, retention.onWritten(1));
        }
        if (resend.length > 0) {
            flush();
        }
        pump();
    }

    /** The link is gone; messages in flight wait for the next one. */
    public void detach() {
        assert loop.inEventLoop();
        channel = null;
    }

    public void pump() {
        pump(false);
    }

    /** @param written whether the caller wrote a message that still needs a flush */
    private void pump(boolean written) {
        assert loop.inEventLoop();
        if (takePending || writeChanClosed) {
            return;
        }
        if (channel == null) {
            pumpDetached();
            return;
        }
        int taken = 0;
        while (taken < MAX_BATCH && channel.isWritable() && retention.mayTake(true)) {
            Object value = takeNow();
            if (value == ReusableHandler.PENDING) {
                break; // the take waits; its value comes to onTaken
            }
            taken++;
            write(value);
        }
        writeCoalesced();
        if (taken > 0 || written) {
            // may re-enter pump() through channelWritabilityChanged, which returns at once while a take waits
            flush();
        }
        if (!takePending && channel != null && taken == MAX_BATCH) {
            loop.execute(pumpTask);
        }
        // else a take waits; or the socket is full: channelWritabilityChanged pumps again; or the retention is: an ack will
    }

    /** What a link-less outbox takes waits for the next link; taking goes on while the retention allows. */
    private void pumpDetached() {
        for (int taken = 0; taken < MAX_BATCH && retention.mayTake(false); taken++) {
            Object value = takeNow();
            if (value == ReusableHandler.PENDING) {
                return; // also how a close of write-chan is seen while no link is up
            }
            hold(value);
        }
    }

    private void flush() {
        owner.beforeFlush(channel);
        channel.flush();
    }

    /**
     * One take! with the outbox's one handler: a value ready now, or {@code PENDING} with the take
     * left waiting. A closed write-chan is told through onTaken on the loop's next turn, as before
     * the take completed at once: never inside the step that took.
     */
    private Object takeNow() {
        Object value = Chans.take(writeChan, taker);
        if (value != ReusableHandler.PENDING && value != null) {
            return value;
        }
        takePending = true;
        if (value == null) {
            taker.completeLater(null);
        }
        return ReusableHandler.PENDING;
    }

    private void onTaken(Object value) {
        takePending = false;
        if (value == null) {
            writeChanClosed = true;
            owner.onWriteChanClosed();
            return;
        }
        if (channel == null) {
            hold(value);
            pump(); // takes again if the retention has room (a rejected value holds nothing)
            return;
        }
        write(value);
        pump(true);
    }

    private void hold(Object value) {
        byte[] message = accepted(value);
        if (message != null) {
            retention.retain(message);
        }
    }

    /** Appends to or writes; every caller ends with {@link #writeCoalesced()}. */
    private void write(Object value) {
        byte[] message = accepted(value);
        if (message == null) {
            return;
        }
        retention.retain(message);
        counters.messageOut(message.length);
        if (message.length > COALESCE_MAX_MESSAGE) {
            writeCoalesced(); // keeps the order
            write(channel, message, retention.onWritten(1));
            return;
        }
        int frame = FrameDecoder.HEADER_BYTES + message.length;
        if (coalesced != null && coalesced.readableBytes() + frame > COALESCE_MAX_BYTES) {
            // past 64 KiB the pooled buffer would double to 128 KiB and copy what it holds
            writeCoalesced();
        }
        if (coalesced == null) {
            // sized like the last batch: one buffer, no growing, in the steady state
            coalesced = channel.alloc().ioBuffer(Math.max(frame, lastCoalescedBytes));
        }
        coalesced.writeInt(message.length).writeBytes(message);
        coalescedMessages++;
    }

    private void writeCoalesced() {
        if (coalesced == null) {
            return;
        }
        ByteBuf frames = coalesced;
        int messages = coalescedMessages;
        coalesced = null;
        coalescedMessages = 0;
        lastCoalescedBytes = frames.readableBytes();
        write(channel, frames, retention.onWritten(messages));
    }

    private static void write(Channel channel, Object message, ChannelFutureListener onWritten) {
        if (onWritten == null) {
            channel.write(message, channel.voidPromise());
        } else {
            channel.write(message, new WrittenPromise(channel, onWritten));
        }
    }

    private byte[] accepted(Object value) {
        if (!(value instanceof byte[] message)) {
            rejected("expected byte[], got " + value.getClass().getName());
            return null;
        }
        if (message.length > maxFrameSize) {
            rejected(message.length + " bytes is over max-frame-size " + maxFrameSize);
            return null;
        }
        return message;
    }

    /** A put cannot throw, so a rejected value is counted, and logged at most once a second. */
    private void rejected(String why) {
        counters.writeRejected();
        if (rejectionLog.allow()) {
            log.warn("{} write-chan value rejected: {} (dropped; counted in :rejected-writes)", owner, why);
        }
    }
}
