/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves messages from the user's write-chan to the socket: takes only while the socket can
 * accept more, writes a batch, flushes once per batch.
 *
 * <pre>
 *  pump: while writable and batch not full: poll! write-chan → write     then flush
 *        nothing ready → one take! (its callback hops back, writes, pumps again)
 *        not writable  → wait for channelWritabilityChanged
 *        take! gives nil → write-chan closed: tell the owner
 * </pre>
 *
 * Nothing taken is silently dropped: a message stays in {@code inFlight} until Netty reports it
 * written to the socket, and whatever is left there when the link breaks is written first on the
 * next link. While detached (disconnected) the pump takes at most one message, held for the next
 * link, so writers wait; that one take also sees write-chan closed while no link is up.
 *
 * <h3>Threading</h3>
 * All state is confined to {@code loop}; the take callback hops back onto it.
 */
final class Outbox {
    /** Told when the user closed write-chan and every message before the close was handed on. */
    interface Owner {
        void onWriteChanClosed();
    }

    // bounds the time one connection holds the loop before others get their turn
    private static final int MAX_BATCH = 256;
    private static final Logger log = LoggerFactory.getLogger(Outbox.class);

    private final Object writeChan;
    private final EventLoop loop;
    private final int maxFrameSize;
    private final Owner owner;
    private final ArrayDeque<byte[]> inFlight = new ArrayDeque<>();
    // completions arrive in write order, so the head is always the one that completed
    private final ChannelFutureListener onWritten = f -> {
        if (f.isSuccess()) {
            inFlight.poll();
        }
    };
    private Channel channel;
    private boolean takePending;
    private boolean writeChanClosed;

    Outbox(Object writeChan, EventLoop loop, int maxFrameSize, Owner owner) {
        this.writeChan = writeChan;
        this.loop = loop;
        this.maxFrameSize = maxFrameSize;
        this.owner = owner;
    }

    Object chan() {
        return writeChan;
    }

    /** A link is up: resend what the last one lost, then start pumping. */
    void attach(Channel channel) {
        assert loop.inEventLoop();
        this.channel = channel;
        if (!inFlight.isEmpty()) {
            for (byte[] message : inFlight.toArray(new byte[0][])) {
                channel.write(message).addListener(onWritten);
            }
            channel.flush();
        }
        pump();
    }

    /** The link is gone; messages in flight wait for the next one. */
    void detach() {
        assert loop.inEventLoop();
        channel = null;
    }

    void pump() {
        assert loop.inEventLoop();
        if (takePending || writeChanClosed) {
            return;
        }
        if (channel == null) {
            // one take while detached, so a close of write-chan is seen; what it yields waits for a link
            if (inFlight.isEmpty()) {
                takeNext();
            }
            return;
        }
        int polled = 0;
        boolean empty = false;
        while (polled < MAX_BATCH && channel.isWritable()) {
            Object value = Chans.poll(writeChan);
            if (value == null) {
                empty = true;
                break;
            }
            polled++;
            write(value);
        }
        if (polled > 0) {
            channel.flush();
        }
        if (empty) {
            takeNext();
        } else if (polled == MAX_BATCH) {
            loop.execute(this::pump);
        }
        // else the socket is full: channelWritabilityChanged pumps again
    }

    private void takeNext() {
        takePending = true;
        Chans.take(writeChan, value -> Hop.onto(loop, () -> onTaken(value)));
    }

    private void onTaken(Object value) {
        takePending = false;
        if (value == null) {
            writeChanClosed = true;
            owner.onWriteChanClosed();
            return;
        }
        if (channel == null) {
            hold(value); // a rejected value holds nothing, so pump takes again
        } else {
            write(value);
            channel.flush();
        }
        pump();
    }

    private void hold(Object value) {
        byte[] message = accepted(value);
        if (message != null) {
            inFlight.add(message);
        }
    }

    private void write(Object value) {
        byte[] message = accepted(value);
        if (message != null) {
            inFlight.add(message);
            channel.write(message).addListener(onWritten);
        }
    }

    private byte[] accepted(Object value) {
        if (!(value instanceof byte[] message)) {
            log.warn("{} write-chan value rejected: expected byte[], got {}", owner, value.getClass().getName());
            return null;
        }
        if (message.length > maxFrameSize) {
            log.warn("{} write-chan value rejected: {} bytes is over max-frame-size {}", owner,
                    message.length, maxFrameSize);
            return null;
        }
        return message;
    }
}
