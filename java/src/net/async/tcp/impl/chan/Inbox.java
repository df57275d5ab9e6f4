/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.chan;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Delivers values, in order, into one core.async channel that the user owns, without ever
 * blocking: a {@code put!} that either completes at once, as {@code offer!} would, or stays the
 * single pending put, through one {@link ReusableHandler}.
 *
 * <pre>
 *   stage(frame) … flush() at the end of a read batch, or once 16 KiB are staged
 *        │ each, in order
 *        ▼
 *   deliver(v) ──put! done at once──▶ done
 *        │ waits
 *        ▼
 *   backlog [v1 v2 …] ── put!(v1) ──callback──▶ hop to loop, next ── empty ──▶ valve open
 *        └── first value backlogged ──▶ valve closed (auto-read off)
 * </pre>
 *
 * Frames read together are offered back to back, up to 16 KiB at a time, so a reader that is
 * parked on the channel finds the rest buffered when it wakes, rather than racing the decoder
 * frame by frame and parking again after each one. The bound keeps what a full channel can cost
 * to 16 KiB more per connection: the valve closes at the flush, and Netty stops reading.
 *
 * At most one put is pending per channel, which keeps the order and stays far below
 * core.async's limit of 1024 pending puts. While values wait, the {@link Valve} is closed, so the
 * socket stops reading and the peer is slowed down by TCP.
 *
 * <h2>Threading</h2>
 * All state is confined to {@code loop}; the put callback hops back onto it.
 */
public final class Inbox {
    /** Opens and closes the flow of input that feeds this inbox (a channel's auto-read). */
    public interface Valve {
        void setOpen(boolean open);
    }

    // small enough that a batch seldom overflows a 1024-slot channel and the reader starts on it while
    // the loop decodes the next; bounds what staging adds to a connection whose channel is full
    private static final int MAX_STAGED_BYTES = 16 * 1024;

    private final Object chan;
    private final Executor loop;
    private final Valve valve;
    private final Consumer<Object> onDropped;
    private final Consumer<Object> onDelivered;
    // invariant: a put! of backlog.peek() is pending exactly when the backlog is not empty
    private final ArrayDeque<Object> backlog = new ArrayDeque<>();
    // that put's handler: one put at a time, so one handler for all of them
    private final ReusableHandler putter;
    // values read in the current read batch, delivered together by flush()
    private final ArrayDeque<Object> staged = new ArrayDeque<>();
    private int stagedBytes;
    private boolean closeWhenDrained;
    private boolean chanClosed;

    /**
     * @param onDropped called on the loop for each value the user can no longer receive because
     *                  they closed the channel; must not be {@code null}
     */
    public Inbox(Object chan, Executor loop, Valve valve, Consumer<Object> onDropped) {
        this(chan, loop, valve, onDropped, value -> { });
    }

    /**
     * @param onDelivered called on the loop for each value once it is on the channel, or dropped
     *                    (after {@code onDropped}); a session counts its acks with it
     */
    public Inbox(Object chan, Executor loop, Valve valve, Consumer<Object> onDropped, Consumer<Object> onDelivered) {
        this.chan = chan;
        this.loop = loop;
        this.valve = valve;
        this.onDropped = onDropped;
        this.onDelivered = onDelivered;
        this.putter = new ReusableHandler(loop, this::onPut);
    }

    public Object chan() {
        return chan;
    }

    /** {@return how many values wait, staged or backlogged, for the channel to take them} */
    public int waiting() {
        return staged.size() + backlog.size();
    }

    /** True while values wait for the user: a new input source should start closed. */
    public boolean isBackedUp() {
        return !backlog.isEmpty();
    }

    /** Holds a payload read from the socket until {@link #flush}: the end of its read batch, or 16 KiB staged. */
    public void stage(byte[] payload) {
        staged.add(payload);
        stagedBytes += payload.length;
        if (stagedBytes >= MAX_STAGED_BYTES) {
            flush();
        }
    }

    /** Delivers every staged value, in order. */
    public void flush() {
        stagedBytes = 0;
        for (Object value; (value = staged.poll()) != null; ) {
            offerOrBacklog(value);
        }
    }

    /** Delivers a value after everything staged before it. */
    public void deliver(Object value) {
        flush();
        offerOrBacklog(value);
    }

    private void offerOrBacklog(Object value) {
        if (chanClosed || closeWhenDrained) {
            drop(value);
            return;
        }
        if (!backlog.isEmpty()) {
            backlog.add(value);
            return;
        }
        backlog.add(value);
        if (putHead()) {
            backlog.poll();
            onDelivered.accept(value);
            return;
        }
        valve.setOpen(false);
    }

    /** Closes the channel once everything delivered so far has been taken. */
    public void closeWhenDrained() {
        flush();
        closeWhenDrained = true;
        if (backlog.isEmpty()) {
            Chans.close(chan);
        }
    }

    private void drop(Object value) {
        onDropped.accept(value);
        onDelivered.accept(value); // as far as the peer is concerned: the user chose not to take it
    }

    /**
     * Puts the head of the backlog: true when the channel took it at once (still to be polled);
     * else a put waits, and onPut hears how it went. A closed channel is told through onPut on the
     * loop's next turn, as a put's callback would.
     */
    private boolean putHead() {
        Object done = Chans.put(chan, backlog.peek(), putter);
        if (done == Boolean.TRUE) {
            return true;
        }
        if (done == Boolean.FALSE) {
            putter.completeLater(Boolean.FALSE);
        }
        return false;
    }

    private void onPut(Object accepted) {
        Object head = backlog.poll();
        if (accepted == Boolean.TRUE) {
            onDelivered.accept(head);
        } else {
            chanClosed = true;
            drop(head);
            backlog.forEach(this::drop);
            backlog.clear();
        }
        while (!backlog.isEmpty() && putHead()) {
            onDelivered.accept(backlog.poll());
        }
        if (!backlog.isEmpty()) {
            return; // its head's put waits
        }
        valve.setOpen(true);
        if (closeWhenDrained) {
            Chans.close(chan);
        }
    }
}
