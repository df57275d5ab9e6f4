/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import clojure.lang.IPersistentVector;
import clojure.lang.Indexed;
import clojure.lang.PersistentVector;
import clojure.lang.RT;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import net.async.tcp.AcceptOptions;
import net.async.tcp.AcceptSocket;
import net.async.tcp.ClientSocket;
import net.async.tcp.ConnectOptions;
import net.async.tcp.EventLoop;
import net.async.tcp.EventLoopOptions;
import net.async.tcp.Tcp;
import net.async.tcp.impl.chan.Chans;
import net.async.tcp.impl.chan.Keywords;

/**
 * Many connections streaming at once into one server, in net.async: a server loop and a client
 * loop of {@code threads} threads each (separate loops, as two processes would have), {@code C}
 * clients each putting numbered {@code byte[]} on a 1024-slot write-chan, and the server taking
 * them from each accepted connection's 1024-slot read-chan, checking order per connection.
 *
 * <p>The user side is a pool, not a thread per connection: {@code threads} writer threads, each
 * serving every {@code threads}-th client, and as many reader threads, each serving every
 * {@code threads}-th accepted connection. A thread per connection would put 128 runnable threads
 * on a 2-core machine at 64 connections and measure the scheduler; a pool that grows with the loop
 * keeps the loop threads, not one writer, the thing that scales. Each pool thread goes round its
 * chans with {@code offer!} / {@code poll!} (at most a chan's worth per visit, so none starves the
 * rest) and parks in {@code alts!!} over all of them only when none is ready. Waiting on one chan
 * at a time would spare the loops the handler {@code alts!!} leaves on every other chan, but it
 * stalls: a reader waits on an empty read-chan while the writer waits on a write-chan whose
 * connection waits for room in another read-chan of that reader.
 *
 * <p>The rate is taken over a window once the streams have settled ({@link StreamRate#measure}); then the read-chans are closed
 * and both loops shut down, which ends the pool threads without draining what is still in flight.
 *
 * <h3>Threading</h3>
 * {@link #run} blocks the caller and starts the writer and reader threads, which end when the
 * loops shut down; a {@link Watchdog} shuts them down if a run overstays.
 */
final class AsyncStreams {
    static final int CHAN_SLOTS = 1024;
    private static final long ACCEPT_MILLIS = 10_000;
    private static final long SLACK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private AsyncStreams() {
    }

    /**
     * Messages per second over all connections, counted over {@code windowNanos} after
     * {@code rampNanos}; each connection sends at most {@code count / connections} messages.
     */
    static StreamRate run(int threads, int connections, int size, long count, long rampNanos, long windowNanos)
            throws Exception {
        ThreadSpread spread = new ThreadSpread("net-async-tcp-", "bench-streams-");
        AcceptOptions accept = AcceptOptions.builder()
                .readChanFactory(() -> {
                    spread.connectionHere(); // made on the thread the accepted connection lives on
                    return Chans.chan(CHAN_SLOTS);
                })
                .build();
        EventLoopOptions loopOptions = EventLoopOptions.builder().threads(threads).build();
        try (EventLoop serverLoop = Tcp.eventLoop(loopOptions); EventLoop clientLoop = Tcp.eventLoop(loopOptions);
             Watchdog watchdog = Watchdog.after(rampNanos + StreamRate.SETTLE_MAX_NANOS + windowNanos + SLACK_NANOS, serverLoop, clientLoop)) {
            AcceptSocket server = Tcp.accept(serverLoop, "127.0.0.1", 0, accept);
            watchdog.alsoClose(() -> Chans.close(server.acceptChan()));
            List<Object> writeChans = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                ClientSocket client = Tcp.connect(clientLoop, "127.0.0.1", server.port(),
                        ConnectOptions.builder().writeChan(Chans.chan(CHAN_SLOTS)).build());
                writeChans.add(client.writeChan());
            }
            List<Object> readChans = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                Object socket = Chans.takeWithin(server.acceptChan(), ACCEPT_MILLIS);
                if (socket == null || socket == Chans.timedOut()) {
                    throw new IllegalStateException("accepted " + i + " of " + connections + " connections");
                }
                readChans.add(Async.readChan(socket));
            }
            // a backstop: the writers go on past the window until the loops close their chans
            long deadline = System.nanoTime() + rampNanos + StreamRate.SETTLE_MAX_NANOS + windowNanos + SLACK_NANOS;
            List<AtomicLong> sent = new ArrayList<>();
            List<AtomicLong> received = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicBoolean over = new AtomicBoolean();
            for (int t = 0; t < threads; t++) {
                Writer writer = new Writer(every(writeChans, t, threads), size, count / connections, deadline);
                sent.add(writer.sent);
                start(writer, "bench-streams-writer-" + t);
                Reader reader = new Reader(every(readChans, t, threads), over, failure);
                received.add(reader.received);
                start(reader, "bench-streams-reader-" + t);
            }
            StreamRate rate = StreamRate.measure(sent, received, spread, rampNanos, windowNanos);
            if (failure.get() != null) {
                throw new IllegalStateException("net.async streams failed", failure.get());
            }
            // the reader is done: closed read-chans drop what is still in flight, so the loops need
            // not wait for readers to drain 64 connections' worth of it through the network
            over.set(true);
            for (Object readChan : readChans) {
                Chans.close(readChan);
            }
            return rate;
        } // the loops shut down: every write-chan closes too, and the writers and readers end
    }

    /** The {@code t}-th of every {@code n} chans. */
    private static Object[] every(List<Object> chans, int t, int n) {
        List<Object> share = new ArrayList<>();
        for (int i = t; i < chans.size(); i += n) {
            share.add(chans.get(i));
        }
        return share.toArray();
    }

    private static void start(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Feeds its write-chans in turn until they close, or each has sent its share or the time is up
     * (then its end marker).
     */
    private static final class Writer implements Runnable {
        final AtomicLong sent = new AtomicLong();
        private final Object[] chans;
        private final int size;
        private final long count;
        private final long deadline;
        private final int[] seq;
        private final byte[][] pending; // the message each chan takes next; kept when a chan is full
        private final int[] live; // indices into chans still sending: live[0..liveCount)
        private int liveCount;
        private long total;

        Writer(Object[] chans, int size, long count, long deadline) {
            this.chans = chans;
            this.size = size;
            this.count = count;
            this.deadline = deadline;
            this.seq = new int[chans.length];
            this.pending = new byte[chans.length][];
            this.live = indices(chans.length);
            this.liveCount = chans.length;
        }

        @Override
        public void run() {
            boolean stop = false;
            while (liveCount > 0) {
                boolean moved = false;
                for (int k = 0; k < liveCount; k++) {
                    int i = live[k];
                    stop = System.nanoTime() - deadline > 0;
                    for (int n = 0; n < CHAN_SLOTS && Chans.offer(chans[i], next(i, stop)); n++) {
                        moved = true;
                        if (sent(i)) {
                            live[k--] = live[--liveCount];
                            break;
                        }
                    }
                }
                if (!moved && liveCount > 0 && !park(stop)) {
                    return; // closed: the run is over
                }
            }
        }

        /** Every chan is full: wait in alts!! until one takes its next message; false once closed. */
        private boolean park(boolean stop) {
            List<Object> ops = new ArrayList<>(liveCount);
            for (int k = 0; k < liveCount; k++) {
                ops.add(RT.vector(chans[live[k]], next(live[k], stop)));
            }
            Indexed done = Async.alts(PersistentVector.create(ops));
            if (done.nth(0) != Boolean.TRUE) {
                return false;
            }
            for (int k = 0; k < liveCount; k++) {
                if (chans[live[k]] == done.nth(1)) {
                    if (sent(live[k])) {
                        live[k] = live[--liveCount];
                    }
                    break;
                }
            }
            return true;
        }

        private byte[] next(int i, boolean stop) {
            if (pending[i] == null) {
                pending[i] = stop || seq[i] >= count ? Messages.end(size) : Messages.make(size, seq[i]);
            }
            return pending[i];
        }

        /** The pending message of chan {@code i} went: true if it was the end marker. */
        private boolean sent(int i) {
            boolean end = Messages.isEnd(pending[i]);
            pending[i] = null;
            seq[i]++;
            if (!end) {
                sent.lazySet(++total); // only this thread writes it
            }
            return end;
        }
    }

    /**
     * Takes from its read-chans in turn, checking order per chan, until each has brought its end
     * marker or, once the run is {@code over}, closed; publishes how many messages it took in
     * {@link #received}.
     */
    private static final class Reader implements Runnable {
        final AtomicLong received = new AtomicLong();
        private final AtomicReference<Throwable> failure;
        private final AtomicBoolean over;
        private final Object[] chans;
        private final long[] counts;
        private final int[] live;
        private int liveCount;
        private long total;

        Reader(Object[] chans, AtomicBoolean over, AtomicReference<Throwable> failure) {
            this.failure = failure;
            this.over = over;
            this.chans = chans;
            this.counts = new long[chans.length];
            this.live = indices(chans.length);
            this.liveCount = chans.length;
        }

        @Override
        public void run() {
            try {
                read();
            } catch (RuntimeException | Error e) {
                failure.compareAndSet(null, e);
            }
        }

        private void read() {
            IPersistentVector waitOn = null; // the live chans, for alts!!; rebuilt when one ends
            while (liveCount > 0) {
                boolean moved = false;
                for (int k = 0; k < liveCount; k++) {
                    int i = live[k];
                    Object value;
                    for (int n = 0; n < CHAN_SLOTS && (value = Chans.poll(chans[i])) != null; n++) {
                        moved = true;
                        if (ended(i, value)) {
                            live[k--] = live[--liveCount];
                            waitOn = null;
                            break;
                        }
                    }
                }
                if (moved || liveCount == 0) {
                    continue;
                }
                if (waitOn == null) {
                    List<Object> ops = new ArrayList<>(liveCount);
                    for (int k = 0; k < liveCount; k++) {
                        ops.add(chans[live[k]]);
                    }
                    waitOn = PersistentVector.create(ops);
                }
                Indexed taken = Async.alts(waitOn); // nothing ready anywhere: park until something is
                for (int k = 0; k < liveCount; k++) {
                    if (chans[live[k]] == taken.nth(1)) {
                        if (ended(live[k], taken.nth(0))) {
                            live[k] = live[--liveCount];
                            waitOn = null;
                        }
                        break;
                    }
                }
            }
        }

        /** Checks one value from chan {@code i}: true at its end marker. */
        private boolean ended(int i, Object value) {
            if (value instanceof byte[] message) {
                if (Messages.isEnd(message)) {
                    return true;
                }
                Messages.check(message, counts[i]++);
                received.lazySet(++total); // only this thread writes it; the window needs no more than eventual order
                return false;
            }
            if (value == Keywords.CONNECTED) {
                return false;
            }
            if (!over.get()) { // once it is, :disconnected, :closed or a closed chan is the shutdown
                throw new IllegalStateException("read-chan gave " + value + " after " + counts[i] + " messages");
            }
            return true;
        }
    }

    private static int[] indices(int n) {
        int[] indices = new int[n];
        for (int i = 0; i < n; i++) {
            indices[i] = i;
        }
        return indices;
    }
}
