/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PoolChunkListMetric;
import io.netty.buffer.PoolChunkMetric;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.management.ManagementFactory;

/**
 * The process's memory at one moment, after a GC: resident set, heap in use, and the pooled
 * allocator's direct memory, both as buffers handed out and as chunks held.
 *
 * <h3>Threading</h3>
 * Immutable; {@link #take} runs on the caller's thread.
 */
record ProcessMemory(long rssKib, long heapBytes, long directActiveBytes, long directChunkBytes) {
    static ProcessMemory take() throws Exception {
        System.gc();
        // numActiveBytes() counts whole chunks in 4.2; what buffers use is each chunk less its free bytes
        long active = 0;
        for (PoolArenaMetric arena : PooledByteBufAllocator.DEFAULT.metric().directArenas()) {
            for (PoolChunkListMetric list : arena.chunkLists()) {
                for (PoolChunkMetric chunk : list) {
                    active += chunk.chunkSize() - chunk.freeBytes();
                }
            }
        }
        long chunks = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
        return new ProcessMemory(ConnServer.rssKib(), ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
                active, chunks);
    }
}
