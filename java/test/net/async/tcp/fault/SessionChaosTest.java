/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import net.async.tcp.Tcp;
import net.async.tcp.Trouble;
import net.async.tcp.fault.FaultProxy.Fault;
import net.async.tcp.fault.FaultProxy.Plan;
import net.async.tcp.impl.Chans;
import org.junit.jupiter.api.Test;

/**
 * Sessions under chaos: {@value #CLIENTS} clients stream numbered messages to one server and it
 * streams back to each, both ways at once, through a {@link FaultProxy} that resets, blackholes
 * or cuts every link mid-frame within {@value #MAX_FAULT_DELAY_MILLIS} ms of its start, so
 * handshakes and replays are hit too. After at least {@value #MIN_FAULTS} forced disconnects the
 * faults stop, and every stream must have arrived whole: each message exactly once, in order.
 *
 * <p>Memory: a writer may run ahead of its reader by at most what the channels and the two
 * session buffers hold, however many links fail; the test checks that bound on every stream,
 * every few milliseconds.
 */
@org.junit.jupiter.api.Timeout(120)
class SessionChaosTest {
    private static final int CLIENTS = 20;
    private static final int MIN_FAULTS = 1_000;
    private static final long MAX_FAULT_DELAY_MILLIS = 30;
    private static final long MIN_CHAOS_MILLIS = 3_000;
    private static final long MAX_CHAOS_MILLIS = 40_000;
    private static final int CHAN_SLOTS = 64;
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final int MAX_PAYLOAD = 1500;
    private static final int HEADER = 12; // stream id, sequence number
    // writer → write-chan → replay buffer (messages of ≥ HEADER bytes + 32) → peer's inbox (the same window) → read-chan
    private static final long MAX_AHEAD = 2L * CHAN_SLOTS + 2L * BUFFER_BYTES / (HEADER + 32) + 2 * 256;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Map<Integer, Stream> streams = new ConcurrentHashMap<>();
    private volatile boolean writing = true;
    private volatile boolean reading = true;

    @Test
    void everyMessageArrivesExactlyOnceInOrderBothWaysThroughThousandsOfBrokenLinks() throws Exception {
        long seed = System.nanoTime();
        AtomicInteger sessions = new AtomicInteger();
        AtomicLong sessionLost = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        try (Trouble trouble = Trouble.watch();
             EventLoop serverLoop = Tcp.eventLoop(); EventLoop clientLoop = Tcp.eventLoop()) {
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
                            Stream out = stream(1000 + sessions.getAndIncrement(), session);
                            threads.add(start("chaos-server-writer-" + out.id, () -> write(out)));
                            threads.add(start("chaos-server-reader-" + out.id, () -> read(session, sessionLost)));
                        }
                    }
                }));
                for (int i = 0; i < CLIENTS; i++) {
                    ClientSocket client = Tcp.connect(clientLoop, "127.0.0.1", proxy.port(), ConnectOptions.builder()
                            .heartbeatPeriodMillis(50).heartbeatTimeoutMillis(200)
                            .reconnectPeriodMillis(10).connectTimeoutMillis(1000)
                            .readChan(Chans.chan(CHAN_SLOTS)).writeChan(Chans.chan(CHAN_SLOTS))
                            .session(true).sessionBufferBytes(BUFFER_BYTES).build());
                    Stream out = stream(i, client);
                    threads.add(start("chaos-client-writer-" + i, () -> write(out)));
                    threads.add(start("chaos-client-reader-" + i, () -> read(client, sessionLost)));
                }

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
                String proxyReport = proxy.toString();

                Await.until(() -> streams.size() == 2 * CLIENTS && streams.values().stream().allMatch(Stream::complete),
                        WAIT, () -> "every stream read whole after the faults stopped: " + streams.values());
                reading = false;
                long messages = streams.values().stream().mapToLong(s -> s.written.get()).sum();
                long bytes = streams.values().stream().mapToLong(s -> s.bytes.get()).sum();
                System.out.printf("session chaos: %d clients, %d forced disconnects in %d ms (%s); %,d messages "
                        + "(%,d bytes) both ways, none lost, repeated or reordered; %d session(s) lost; at most %d "
                        + "messages between a writer and its reader (bound %d); seed %d%n", CLIENTS, faults,
                        chaosMillis, proxyReport, messages, bytes, sessionLost.get(), maxAhead.get(), MAX_AHEAD, seed);

                assertEquals(List.of(), violations);
                assertTrue(faults >= MIN_FAULTS, "forced disconnects: " + faults);
                assertEquals(CLIENTS, sessions.get(), "one session per client, never a second: " + proxyReport);
                assertEquals(0, sessionLost.get(), "no session was lost: the server kept them all");
                assertTrue(maxAhead.get() <= MAX_AHEAD, "ahead by " + maxAhead + ", bound " + MAX_AHEAD);
                for (Stream stream : streams.values()) {
                    assertTrue(stream.written.get() > 0, "stream " + stream.id + " wrote nothing");
                }
            } finally {
                writing = false;
                reading = false;
                for (Thread thread : threads) {
                    thread.join(WAIT.toMillis());
                }
            }
            trouble.assertNone();
        }
    }

    /** One direction of one session: what its writer wrote, and what its reader read in order. */
    private static final class Stream {
        final int id;
        final ClientSocket writeTo;
        final AtomicLong written = new AtomicLong();
        final AtomicLong read = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        volatile boolean readerFound;

        Stream(int id, ClientSocket writeTo) {
            this.id = id;
            this.writeTo = writeTo;
        }

        boolean complete() {
            return read.get() == written.get();
        }

        @Override
        public String toString() {
            return id + ": " + read.get() + "/" + written.get();
        }
    }

    private Stream stream(int id, ClientSocket writeTo) {
        Stream stream = new Stream(id, writeTo);
        streams.put(id, stream); // before its writer starts, so its reader can find it
        return stream;
    }

    private long sampleAhead() {
        long max = 0;
        for (Stream stream : streams.values()) {
            max = Math.max(max, stream.written.get() - stream.read.get());
        }
        return max;
    }

    private void write(Stream stream) {
        long seq = 0;
        while (writing) {
            byte[] message = message(stream.id, seq);
            if (Chan.tryPut(stream.writeTo.writeChan(), message, Duration.ofMillis(100))) {
                stream.bytes.addAndGet(message.length);
                stream.written.incrementAndGet();
                seq++;
            }
        }
    }

    /** Reads one connection's stream, checking each message is the next of its writer's. */
    private void read(ClientSocket socket, AtomicLong sessionLost) {
        Stream from = null;
        while (reading) {
            Object value = Chans.takeWithin(socket.readChan(), 100);
            if (value == Chans.timedOut()) {
                continue;
            }
            Event event = Event.of(value);
            if (event.kind() == Event.Kind.CLOSED) {
                violations.add("a read-chan closed: " + socket);
                return;
            }
            if (event.kind() == Event.Kind.SESSION_LOST) {
                sessionLost.incrementAndGet();
            }
            if (!event.isMessage()) {
                continue;
            }
            ByteBuffer message = ByteBuffer.wrap(event.payload());
            int id = message.getInt();
            long seq = message.getLong();
            if (from == null) {
                from = streams.get(id);
                if (from == null || from.readerFound) {
                    violations.add("stream " + id + " read by a second reader, or from nowhere");
                    return;
                }
                from.readerFound = true;
            }
            if (id != from.id || seq != from.read.get() || !Arrays.equals(event.payload(), message(id, seq))) {
                violations.add("stream " + from.id + ": expected #" + from.read.get() + ", got " + id + " #" + seq
                        + " (" + event.payload().length + " bytes)");
                return;
            }
            from.read.incrementAndGet();
        }
    }

    private static byte[] message(int id, long seq) {
        int length = HEADER + (int) ((seq * 7919 + id * 104729) % (MAX_PAYLOAD - HEADER));
        ByteBuffer message = ByteBuffer.allocate(length).putInt(id).putLong(seq);
        while (message.hasRemaining()) {
            message.put((byte) (seq + message.position()));
        }
        return message.array();
    }

    private static Thread start(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
