/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clojure.java.api.Clojure;
import clojure.lang.IFn;
import clojure.lang.Indexed;
import clojure.lang.PersistentVector;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.async.tcp.AcceptOptions;
import net.async.tcp.AcceptSocket;
import net.async.tcp.Chan;
import net.async.tcp.ClientSocket;
import net.async.tcp.ConnectOptions;
import net.async.tcp.Event;
import net.async.tcp.EventLoop;
import net.async.tcp.EventLoopOptions;
import net.async.tcp.Tcp;
import net.async.tcp.Trouble;
import net.async.tcp.impl.chan.Chans;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sessions under chaos: {@value #CLIENTS} clients stream numbered messages to one server and it
 * streams back to each, both ways at once, through a {@link FaultProxy} that resets, blackholes
 * or cuts every link mid-frame within {@value #MAX_FAULT_DELAY_MILLIS} ms of its start, so
 * handshakes and replays are hit too. After at least {@value #MIN_FAULTS} forced disconnects the
 * faults stop, and every stream must have arrived whole: each message exactly once, in order.
 * One thread writes every stream and one reads them all, through {@code alts!!}: forty busy user
 * threads would starve the two event loops of this 2-core machine, and the test would measure that.
 * It runs with loops of one thread and of three: then a link that resumes a session is often
 * accepted on another thread than the session's, and moved.
 *
 * <p>How the faults fall: on this machine, with Netty's paranoid leak detection, a handshake
 * through the proxy takes some tens of milliseconds, so about half the faults strike before the
 * HELLO and its WELCOME have both passed, the rest mid-stream, replays included. The run prints
 * the split.
 *
 * <p>Memory: a writer may run ahead of its reader by at most what the channels and the two
 * session buffers hold, however many links fail; the test checks that bound on every stream,
 * every few milliseconds.
 */
@org.junit.jupiter.api.Timeout(120)
class SessionChaosTest {
    private static final int CLIENTS = 20;
    private static final int MIN_FAULTS = 1_000;
    private static final long MAX_FAULT_DELAY_MILLIS = 80;
    private static final long RECONNECT_MILLIS = 20;
    private static final long MIN_CHAOS_MILLIS = 3_000;
    private static final long MAX_CHAOS_MILLIS = 40_000;
    private static final int CHAN_SLOTS = 64;
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final int MAX_PAYLOAD = 1500;
    private static final int HEADER = 12; // stream id, sequence number
    private static final int HANDSHAKE_BYTES = 4 + 30 + 4 + 29; // a HELLO and its WELCOME
    // writer → write-chan → replay buffer (messages of ≥ HEADER bytes + 32) → peer's inbox (the same window) → read-chan
    private static final long MAX_AHEAD = 2L * CHAN_SLOTS + 2L * BUFFER_BYTES / (HEADER + 32) + 2 * 256;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final IFn ALTS = resolve("clojure.core.async/alts!!");
    private static final IFn TIMEOUT = resolve("clojure.core.async/timeout");

    private final List<String> violations = new CopyOnWriteArrayList<>();
    // every stream, by id; a client's id is its index, an accepted session's 1000 + its index
    private final Map<Integer, Stream> streams = new ConcurrentHashMap<>();
    // every read-chan, with who reads it: one thread reads them all, another writes all streams
    private final List<ClientSocket> readers = new CopyOnWriteArrayList<>();
    private final AtomicLong sessionLost = new AtomicLong();
    private volatile boolean writing = true;
    private volatile boolean reading = true;

    @ParameterizedTest(name = "{0} thread(s) a loop")
    @ValueSource(ints = {1, 3})
    void everyMessageArrivesExactlyOnceInOrderBothWaysThroughThousandsOfBrokenLinks(int loopThreads) throws Exception {
        long seed = System.nanoTime();
        AtomicInteger sessions = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        Trouble trouble = Trouble.watch();
        EventLoopOptions loops = EventLoopOptions.builder().threads(loopThreads).build();
        try (trouble; EventLoop serverLoop = Tcp.eventLoop(loops); EventLoop clientLoop = Tcp.eventLoop(loops)) {
            AcceptSocket server = Tcp.accept(serverLoop, "127.0.0.1", 0, AcceptOptions.builder()
                    .heartbeatPeriodMillis(50).heartbeatTimeoutMillis(200)
                    .readChanFactory(() -> Chans.chan(CHAN_SLOTS)).writeChanFactory(() -> Chans.chan(CHAN_SLOTS))
                    .session(true).sessionBufferBytes(BUFFER_BYTES).build());
            try (FaultProxy proxy = FaultProxy.start(server.port(),
                    Plan.of(0, MAX_FAULT_DELAY_MILLIS, seed, Fault.RESET, Fault.BLACKHOLE, Fault.CUT))) {
                threads.add(start("chaos-acceptor", () -> {
                    while (reading) {
                        ClientSocket session = server.accept(Duration.ofMillis(100));
                        if (session != null) {
                            stream(1000 + sessions.getAndIncrement(), session);
                            readers.add(session);
                        }
                    }
                }));
                for (int i = 0; i < CLIENTS; i++) {
                    ClientSocket client = Tcp.connect(clientLoop, "127.0.0.1", proxy.port(), ConnectOptions.builder()
                            .heartbeatPeriodMillis(50).heartbeatTimeoutMillis(200)
                            .reconnectPeriodMillis(RECONNECT_MILLIS).connectTimeoutMillis(1000)
                            .readChan(Chans.chan(CHAN_SLOTS)).writeChan(Chans.chan(CHAN_SLOTS))
                            .session(true).sessionBufferBytes(BUFFER_BYTES).build());
                    stream(i, client);
                    readers.add(client);
                }
                threads.add(start("chaos-writer", this::writeAll));
                threads.add(start("chaos-reader", this::readAll));

                long started = System.nanoTime();
                AtomicLong maxAhead = new AtomicLong();
                // every poll of the wait also samples how far each writer is ahead of its reader
                Await.until(() -> {
                    maxAhead.accumulateAndGet(sampleAhead(), Math::max);
                    return proxy.faults() >= MIN_FAULTS && Await.millisSince(started) >= MIN_CHAOS_MILLIS;
                }, Duration.ofMillis(MAX_CHAOS_MILLIS), () -> "at least " + MIN_FAULTS + " faults: " + proxy);
                long chaosMillis = Await.millisSince(started);
                writing = false;
                proxy.faultsEnabled(false);
                long faults = proxy.faults();
                long inHandshakes = proxy.faultsWithinFirst(HANDSHAKE_BYTES);
                String proxyReport = proxy.toString();

                Await.until(() -> streams.size() == 2 * CLIENTS && streams.values().stream().allMatch(Stream::complete),
                        WAIT, () -> "every stream read whole after the faults stopped: " + streams.values());
                reading = false;
                long messages = streams.values().stream().mapToLong(s -> s.written).sum();
                long bytes = streams.values().stream().mapToLong(s -> s.bytes).sum();
                System.out.printf("session chaos, %d thread(s) a loop: %d clients, %d forced disconnects in %d ms, %d of them before the "
                        + "handshake's %d bytes had passed (%s); %,d messages (%,d bytes) both ways, none lost, repeated "
                        + "or reordered; %d session(s) lost; at most %d messages between a writer and its reader "
                        + "(bound %d); seed %d%n", loopThreads, CLIENTS, faults, chaosMillis, inHandshakes, HANDSHAKE_BYTES,
                        proxyReport, messages, bytes, sessionLost.get(), maxAhead.get(), MAX_AHEAD, seed);

                assertEquals(List.of(), violations);
                assertTrue(faults >= MIN_FAULTS, "forced disconnects: " + faults);
                assertTrue(inHandshakes > 0 && inHandshakes < faults, "faults struck handshakes and streams");
                assertEquals(CLIENTS, sessions.get(), "one session per client, never a second: " + proxyReport);
                assertEquals(0, sessionLost.get(), "no session was lost: the server kept them all");
                assertTrue(maxAhead.get() <= MAX_AHEAD, "ahead by " + maxAhead + ", bound " + MAX_AHEAD);
                for (Stream stream : streams.values()) {
                    assertTrue(stream.written > 0, "stream " + stream.id + " wrote nothing");
                }
            } finally {
                writing = false;
                reading = false;
                for (Thread thread : threads) {
                    thread.join(WAIT.toMillis());
                }
            }
        }
        trouble.assertNone(); // after the loops have shut down: what that says counts too
    }

    /** One direction of one session: what its writer wrote, and what its reader read in order. */
    private static final class Stream {
        final int id;
        final Object writeChan;
        volatile long written; // the writer thread's
        volatile long bytes;
        volatile long read; // the reader thread's
        boolean readerFound;

        Stream(int id, Object writeChan) {
            this.id = id;
            this.writeChan = writeChan;
        }

        boolean complete() {
            return read == written;
        }

        @Override
        public String toString() {
            return id + ": " + read + "/" + written;
        }
    }

    private void stream(int id, ClientSocket writeTo) {
        streams.put(id, new Stream(id, writeTo.writeChan())); // before anything it writes can be read
    }

    private long sampleAhead() {
        long max = 0;
        for (Stream stream : streams.values()) {
            max = Math.max(max, stream.written - stream.read);
        }
        return max;
    }

    /** Puts the next message of whichever streams can take one, all of them through one {@code alts!!}. */
    private void writeAll() {
        while (writing) {
            List<Stream> all = new ArrayList<>(streams.values());
            List<Object> puts = new ArrayList<>();
            for (Stream stream : all) {
                puts.add(PersistentVector.create(stream.writeChan, message(stream.id, stream.written)));
            }
            Object timer = TIMEOUT.invoke(100L);
            puts.add(timer);
            Indexed result = (Indexed) ALTS.invoke(PersistentVector.create(puts));
            if (result.nth(1) == timer) {
                continue;
            }
            for (Stream stream : all) {
                if (stream.writeChan == result.nth(1)) {
                    if (result.nth(0) != Boolean.TRUE) {
                        violations.add("write-chan of stream " + stream.id + " closed");
                        return;
                    }
                    stream.bytes += message(stream.id, stream.written).length;
                    stream.written++;
                }
            }
        }
    }

    /** Takes from whichever read-chans have something, through one {@code alts!!}, checking every message. */
    private void readAll() {
        Map<Object, Stream> from = new java.util.HashMap<>();
        while (reading) {
            List<Object> chans = new ArrayList<>();
            for (ClientSocket reader : readers) {
                chans.add(reader.readChan());
            }
            Object timer = TIMEOUT.invoke(100L);
            chans.add(timer);
            Indexed result = (Indexed) ALTS.invoke(PersistentVector.create(chans));
            if (result.nth(1) == timer) {
                continue;
            }
            if (!readOne(result.nth(1), result.nth(0), from)) {
                return;
            }
        }
    }

    private boolean readOne(Object readChan, Object value, Map<Object, Stream> from) {
        Event event = Event.of(value);
        if (event.kind() == Event.Kind.CLOSED) {
            violations.add("a read-chan closed");
            return false;
        }
        if (event.kind() == Event.Kind.SESSION_LOST) {
            sessionLost.incrementAndGet();
        }
        if (!event.isMessage()) {
            return true;
        }
        ByteBuffer message = ByteBuffer.wrap(event.payload());
        int id = message.getInt();
        long seq = message.getLong();
        Stream stream = from.get(readChan);
        if (stream == null) {
            stream = streams.get(id);
            if (stream == null || stream.readerFound) {
                violations.add("stream " + id + " read on a second read-chan, or from nowhere");
                return false;
            }
            stream.readerFound = true;
            from.put(readChan, stream);
        }
        if (id != stream.id || seq != stream.read || !Arrays.equals(event.payload(), message(id, seq))) {
            violations.add("stream " + stream.id + ": expected #" + stream.read + ", got " + id + " #" + seq
                    + " (" + event.payload().length + " bytes)");
            return false;
        }
        stream.read++;
        return true;
    }

    private static byte[] message(int id, long seq) {
        int length = HEADER + (int) ((seq * 7919 + id * 104729) % (MAX_PAYLOAD - HEADER));
        ByteBuffer message = ByteBuffer.allocate(length).putInt(id).putLong(seq);
        while (message.hasRemaining()) {
            message.put((byte) (seq + message.position()));
        }
        return message.array();
    }

    private static IFn resolve(String name) {
        return (IFn) Clojure.var("clojure.core", "requiring-resolve").invoke(Clojure.read(name));
    }

    private static Thread start(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
