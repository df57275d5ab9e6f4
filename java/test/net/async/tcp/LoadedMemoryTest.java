/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PoolChunkListMetric;
import io.netty.buffer.PoolChunkMetric;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.async.tcp.impl.chan.Chans;
import org.junit.jupiter.api.Test;

/**
 * Issue #13: a connection under load holds no more than its bounded buffers. Twenty clients
 * keep their write-chans full of 64 KiB messages while the server takes nothing after
 * {@code :connected}; once bytes written stop growing, the heap and the pooled allocator's direct
 * memory may have grown by at most 1.5 × the bound per connection (plus a fixed slack for what
 * the JVM does meanwhile). The bound, unbuffered channels: the writer's parked put, the inbox's
 * pending put, the decoder's unfinished frame, the outbound buffer up to Netty's 64 KiB
 * high-water mark and one frame over it, and the byte[]s InFlight keeps until they are written.
 * Kernel socket buffers (megabytes per connection on loopback) are not process memory and
 * count for nothing here. {@code java/bench/.../LoadedMemory} measures more cases, and RSS.
 *
 * <h3>Threading</h3>
 * The test thread measures; the puts chain on from core.async's callbacks and touch only atomics.
 */
class LoadedMemoryTest {
    private static final int CONNECTIONS = 20;
    private static final int SIZE = 64 * 1024;
    private static final int HIGH_WATER_MARK = 64 * 1024;
    private static final long FRAME = 4 + SIZE;
    // parked put + pending put + unfinished frame + outbound (high-water + one frame) + InFlight's copies of it
    private static final long BOUND = 2L * SIZE + FRAME + 2 * (HIGH_WATER_MARK + FRAME);
    // what the JVM allocates meanwhile (leak-detection records, stats, caches), whatever the count
    private static final long SLACK = 8L << 20;
    // 256 MiB a connection: far past every buffer, kernel's included; reaching it means nothing pushed back
    private static final int MAX_PUTS = 4096;
    private static final Duration STABLE = Duration.ofMillis(500);

    @Test
    void connectionsWithStalledReadersHoldNoMoreThanTheirBoundedBuffers() throws Exception {
        try (EventLoop serverLoop = Tcp.eventLoop(); EventLoop clientLoop = Tcp.eventLoop()) {
            // default heartbeats on both ends: a short test timeout would drop a link whose first frame is late
            AcceptSocket server = Tcp.accept(serverLoop, Sockets.HOST, 0, AcceptOptions.defaults());
            long before = heapAndDirect();
            List<ClientSocket> clients = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                clients.add(Tcp.connect(clientLoop, Sockets.HOST, server.port(), ConnectOptions.defaults()));
            }
            for (int i = 0; i < CONNECTIONS; i++) {
                // a reader that saw its connection come up and then stalled
                assertEquals(Chan.CONNECTED, Chan.take(Sockets.nextAccepted(server).readChan()));
            }
            AtomicLong puts = new AtomicLong();
            for (ClientSocket client : clients) {
                assertEquals(Chan.CONNECTED, Chan.take(client.readChan()));
                putNext(client.writeChan(), puts, new AtomicLong());
            }
            awaitNoProgress(() -> clientLoop.stats().bytesOut() + puts.get(), Duration.ofSeconds(20));
            assertTrue(puts.get() < (long) CONNECTIONS * MAX_PUTS, "nothing pushed back: " + puts.get() + " puts");

            long grown = heapAndDirect() - before;
            long allowed = (long) (BOUND * 1.5) * CONNECTIONS + SLACK;
            System.out.printf("loaded memory: %d connections with stalled readers hold %.0f KiB each on heap and"
                    + " direct, bound %.0f KiB%n", CONNECTIONS, grown / 1024.0 / CONNECTIONS, BOUND / 1024.0);
            assertTrue(grown <= allowed, "heap and direct grew by " + grown / 1024 + " KiB for " + CONNECTIONS
                    + " connections; at most " + allowed / 1024 + " KiB allowed");
            Stats serverStats = serverLoop.stats();
            assertEquals(CONNECTIONS, serverStats.connections(), "a stalled connection was dropped: " + serverStats);
        }
    }

    /** One put! after another on {@code writeChan}, each a new array, until it is closed or {@link #MAX_PUTS}. */
    private static void putNext(Object writeChan, AtomicLong puts, AtomicLong mine) {
        if (mine.incrementAndGet() > MAX_PUTS) {
            return;
        }
        Chans.put(writeChan, new byte[SIZE], ok -> {
            if (ok) {
                puts.incrementAndGet();
                putNext(writeChan, puts, mine);
            }
        });
    }

    /** Returns once {@code progress} has not moved for {@link #STABLE}; fails after {@code timeout}. */
    private static void awaitNoProgress(java.util.function.LongSupplier progress, Duration timeout) {
        long[] last = {progress.getAsLong(), System.nanoTime()};
        Await.until(() -> {
            long now = progress.getAsLong();
            if (now != last[0]) {
                last[0] = now;
                last[1] = System.nanoTime();
            }
            return System.nanoTime() - last[1] >= STABLE.toNanos();
        }, timeout, "writes to stop (the pipeline to fill)");
    }

    /** Heap in use after a GC plus the bytes of the pooled allocator's direct chunks in use. */
    private static long heapAndDirect() {
        System.gc();
        long direct = 0;
        for (PoolArenaMetric arena : PooledByteBufAllocator.DEFAULT.metric().directArenas()) {
            for (PoolChunkListMetric list : arena.chunkLists()) {
                for (PoolChunkMetric chunk : list) {
                    direct += chunk.chunkSize() - chunk.freeBytes();
                }
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() + direct;
    }
}
