/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import net.async.tcp.AcceptOptions;
import net.async.tcp.AcceptSocket;
import net.async.tcp.ClientSocket;
import net.async.tcp.ConnectOptions;
import net.async.tcp.Event;
import net.async.tcp.EventLoop;
import net.async.tcp.Stats;
import net.async.tcp.Tcp;
import net.async.tcp.impl.chan.Chans;

/**
 * What a connection under load holds (issue #13: "no more than its bounded buffers"): N
 * connections over loopback, both ends net.async in one JVM, each client's write-chan kept full
 * by one writer thread while the server never takes a message from its read-chans. Backpressure
 * then fills every buffer on the way: write-chan, the writer's one parked put, the outbox up to
 * Netty's high-water mark, the kernel's socket buffers, the decoder's unfinished frame, the
 * inbox's pending put and read-chan. Once bytes written stop growing it measures, over a
 * baseline taken after a warm-up in the same JVM: resident memory, heap after a GC, and the
 * direct memory Netty's pooled allocator has handed out; twice, 2 s apart, to see that nothing
 * keeps growing while held.
 *
 * <p>Each case runs in a JVM of its own ({@code -Xms = -Xmx}, heap pre-touched, as
 * {@link ManyConnections}' server does), so the RSS growth is memory outside the Java heap
 * (direct buffers, malloc, thread stacks) and heap growth is the rest; the two add up to what the
 * process grew by. Kernel socket buffers are not process memory and appear in neither: they are
 * reported apart, as the bytes written and not yet read.
 *
 * <p>The bound each figure is compared with, per connection, for messages of S bytes:
 * <pre>
 *   (write-chan slots + 1 parked put + read-chan slots + 1 pending put) × S
 *   + Netty's high-water mark (64 KiB) + one frame that crosses it + one unfinished frame (S + 4)
 * </pre>
 * and the same with what the code adds on top ({@link #boundWithExtras}): the outbox's
 * coalesced batch (64 KiB, messages ≤ 8 KiB only), the byte[]s InFlight keeps beside their
 * outbound frames until written, and the frames decoded from the read that was in progress when
 * the inbox closed its valve. Neither counts what an idle connection costs (its objects at both
 * ends, some KiB), which {@link ManyConnections} measures, nor each message's object overhead (its
 * array header and channel-buffer node: some 4 % at 1 KiB).
 *
 * <p>Heap and direct figures repeat to within a few KiB per connection. RSS moves by a few MiB
 * from run to run whatever the load (JIT, malloc arenas), so its per-connection figure means
 * something at 100 connections (± some tens of KiB) and nothing at 3.
 *
 * <pre>
 *   java -Xmx1g -cp LIBRARY:BENCH:DEPS net.async.tcp.bench.LoadedMemory [CONNECTIONS [SIZE ...]]
 *   defaults: 100 connections, sizes 65536 1024; channels unbuffered and 1024 slots; 2 rounds
 *   (-Dloaded.rounds=N)
 * </pre>
 * A case whose bound × connections would not fit in 40 % of the child's heap runs with fewer
 * connections (64 KiB messages on 1024-slot channels: 128 MiB a connection, so 3).
 *
 * <h3>Threading</h3>
 * The caller's thread runs the cases and, in the child, owns the sockets; one writer thread
 * puts for every client; the put callbacks run on core.async's threads and the writer's and
 * touch only atomics.
 */
public final class LoadedMemory {
    static final int DEFAULT_CONNECTIONS = 100;
    static final int[] DEFAULT_SIZES = {64 * 1024, 1024};
    /** The read-chan and write-chan sizes measured: 0 is the default, unbuffered. */
    static final int[] SLOTS = {0, 1024};
    // Netty's default WriteBufferWaterMark: the library sets none (see Outbox.COALESCE_MAX_BYTES)
    static final int HIGH_WATER_MARK = 64 * 1024;
    // Outbox.COALESCE_MAX_MESSAGE and COALESCE_MAX_BYTES: small messages share a buffer of up to 64 KiB
    static final int COALESCE_MAX_MESSAGE = 8 * 1024;
    static final int COALESCE_MAX_BYTES = 64 * 1024;
    // the most one read brings: the largest buffer of the library's receive allocator (Transport.READ_SIZES)
    static final int MAX_READ_BYTES = 256 * 1024;
    // Inbox.MAX_STAGED_BYTES: values staged before the flush that closes the valve
    static final int INBOX_STAGED_BYTES = 16 * 1024;
    static final int HEADER_BYTES = 4;
    private static final String CHILD_HEAP = "1g";
    private static final double HEAP_BUDGET = 0.4;
    private static final int WARM_UP_CONNECTIONS = 8;
    private static final Duration CONNECT_WAIT = Duration.ofSeconds(30);
    private static final long FILL_MAX_MILLIS = 60_000;
    // full: nothing written, read or put for this long
    private static final long STABLE_MILLIS = 1_000;
    private static final long POLL_MILLIS = 100;
    private static final long HOLD_MILLIS = 2_000;
    private static final long CHILD_MAX_SECONDS = 180;

    /**
     * One case's figures, per connection unless said otherwise; KiB throughout.
     *
     * @param connections   connections measured
     * @param size          message size, bytes
     * @param slots         read-chan and write-chan slots, 0 for unbuffered
     * @param full          whether writes had stopped (the pipeline was full) within the time bound
     * @param rssKib        resident memory growth outside the heap (the heap is pre-touched)
     * @param heapKib       heap growth, after a GC
     * @param directKib     direct memory growth: bytes of the pooled allocator's chunks in use (buffers,
     *                      rounded up to its size classes, and those its thread caches keep)
     * @param directChunkKib growth of the direct chunks the pooled allocator holds (a part of {@code rssKib})
     * @param kernelKib     bytes written and not read: in kernel socket buffers (and the decoder), not in RSS
     * @param boundKib      the bound from the settings (see the class comment)
     * @param boundExtrasKib the bound with what the code adds on top
     * @param driftRssKib   RSS growth between two measurements 2 s apart
     * @param driftHeapKib  heap growth between them
     * @param waitingIn     messages read and waiting for read-chan
     * @param waitingOut    messages taken from write-chan and not yet written
     * @param dropped       connections not alive at the end (should be 0)
     */
    public record Result(int connections, int size, int slots, boolean full, double rssKib, double heapKib,
                         double directKib, double directChunkKib, double kernelKib, double boundKib,
                         double boundExtrasKib, double driftRssKib, double driftHeapKib, double waitingIn,
                         double waitingOut, long dropped) {
        /** {@return what the process holds per connection, RSS outside the heap plus heap, over the bound} */
        public double ratio() {
            return (rssKib + heapKib) / boundKib;
        }

        String line() {
            return String.format(Locale.ROOT, "loaded %d conns %s chan %s: RSS(off-heap) %+.0f KiB/conn, heap %+.0f,"
                            + " direct %+.0f (chunks %+.0f); RSS+heap %.0f vs bound %.0f KiB/conn → ratio %.2f"
                            + " (bound with extras %.0f → %.2f); heap+direct %.0f → %.2f; drift RSS %+.1f heap %+.1f KiB/conn in 2 s;"
                            + " kernel %.0f KiB/conn (not in RSS); waiting in %.1f out %.1f; dropped %d%s",
                    connections, Figures.label(size), slots == 0 ? "default" : String.valueOf(slots), rssKib, heapKib,
                    directKib, directChunkKib, rssKib + heapKib, boundKib, ratio(), boundExtrasKib,
                    (rssKib + heapKib) / boundExtrasKib, heapKib + directKib, (heapKib + directKib) / boundKib,
                    driftRssKib, driftHeapKib, kernelKib, waitingIn, waitingOut, dropped, full ? "" : " NOT FULL (timed out)");
        }

        String encode() {
            return String.join(" ", "result", String.valueOf(connections), String.valueOf(size), String.valueOf(slots),
                    String.valueOf(full), d(rssKib), d(heapKib), d(directKib), d(directChunkKib), d(kernelKib),
                    d(boundKib), d(boundExtrasKib), d(driftRssKib), d(driftHeapKib), d(waitingIn), d(waitingOut),
                    String.valueOf(dropped));
        }

        static Result decode(String line) {
            String[] f = line.split(" ");
            return new Result(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                    Boolean.parseBoolean(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]),
                    Double.parseDouble(f[7]), Double.parseDouble(f[8]), Double.parseDouble(f[9]),
                    Double.parseDouble(f[10]), Double.parseDouble(f[11]), Double.parseDouble(f[12]),
                    Double.parseDouble(f[13]), Double.parseDouble(f[14]), Double.parseDouble(f[15]),
                    Long.parseLong(f[16]));
        }

        private static String d(double value) {
            return String.valueOf(value);
        }
    }

    private LoadedMemory() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            Result result = measure(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            System.out.println(result.encode());
            System.exit(0);
        }
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_CONNECTIONS;
        int[] sizes = args.length > 1
                ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray() : DEFAULT_SIZES;
        int rounds = Integer.getInteger("loaded.rounds", 2);
        for (int round = 0; round < rounds; round++) {
            for (Result result : run(connections, sizes)) {
                System.out.println(result.line());
            }
        }
    }

    /**
     * Every case: each size with unbuffered and with 1024-slot channels, each in a JVM of its own.
     *
     * @param connections connections per case, fewer where the heap budget says so
     * @param sizes       message sizes, bytes
     * @return one result per case, in order
     */
    public static List<Result> run(int connections, int... sizes) throws Exception {
        List<Result> results = new ArrayList<>();
        for (int size : sizes) {
            for (int slots : SLOTS) {
                results.add(runChild(connections, size, slots));
            }
        }
        return results;
    }

    /** One case in a child JVM with a fixed, pre-touched heap, so that RSS growth is what lives outside it. */
    static Result runChild(int connections, int size, int slots) throws Exception {
        Process child = ChildJvm.start(List.of("-Xms" + CHILD_HEAP, "-Xmx" + CHILD_HEAP, "-XX:+AlwaysPreTouch"),
                LoadedMemory.class, "child", String.valueOf(connections), String.valueOf(size), String.valueOf(slots));
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("result ")) {
                    return Result.decode(line);
                }
            }
            throw new IllegalStateException("loaded-memory child ended without a result");
        } finally {
            if (!child.waitFor(CHILD_MAX_SECONDS, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    /** {@return the bound per connection from the settings, bytes: see the class comment} */
    static long bound(int size, int slots) {
        long frame = HEADER_BYTES + size;
        return (slots + 1L + slots + 1L) * size + HIGH_WATER_MARK + frame + frame;
    }

    /**
     * The bound with what the code adds on top: the outbox's coalesced batch (small messages
     * only), the byte[]s InFlight keeps until their frames are written (as many bytes as the
     * outbound buffer), and the frames of the read in progress when the inbox's valve closed.
     */
    static long boundWithExtras(int size, int slots) {
        long coalesced = size <= COALESCE_MAX_MESSAGE ? COALESCE_MAX_BYTES : 0;
        long outbound = HIGH_WATER_MARK + HEADER_BYTES + size + coalesced;
        return bound(size, slots) + coalesced + outbound + INBOX_STAGED_BYTES + MAX_READ_BYTES;
    }

    /** The connections a case runs with: as asked, unless their bound would not fit the heap budget. */
    static int connectionsFor(int wanted, int size, int slots) {
        long budget = (long) (Runtime.getRuntime().maxMemory() * HEAP_BUDGET);
        return (int) Math.max(1, Math.min(wanted, budget / boundWithExtras(size, slots)));
    }

    /**
     * One case in this JVM: warm up on loops of their own, take the baseline, then load and
     * measure. Meant for a JVM with a pre-touched heap (see {@link #runChild}); elsewhere the RSS
     * figure also holds the heap pages the load touched.
     */
    static Result measure(int wantedConnections, int size, int slots) throws Exception {
        int connections = connectionsFor(wantedConnections, size, slots);
        // classes loaded, code compiled and the allocator's arenas set up before the baseline
        try (EventLoop serverLoop = Tcp.eventLoop(); EventLoop clientLoop = Tcp.eventLoop()) {
            load(serverLoop, clientLoop, Math.min(WARM_UP_CONNECTIONS, connections), size, 0, null);
        }
        try (EventLoop serverLoop = Tcp.eventLoop(); EventLoop clientLoop = Tcp.eventLoop()) {
            ProcessMemory baseline = ProcessMemory.take();
            Measured measured = new Measured();
            load(serverLoop, clientLoop, connections, size, slots, measured);
            double n = connections;
            Stats out = measured.clientStats;
            Stats in = measured.serverStats;
            return new Result(connections, size, slots, measured.full,
                    (measured.first.rssKib() - baseline.rssKib()) / n,
                    (measured.first.heapBytes() - baseline.heapBytes()) / 1024.0 / n,
                    (measured.first.directActiveBytes() - baseline.directActiveBytes()) / 1024.0 / n,
                    (measured.first.directChunkBytes() - baseline.directChunkBytes()) / 1024.0 / n,
                    (out.bytesOut() - in.bytesIn()) / 1024.0 / n,
                    bound(size, slots) / 1024.0, boundWithExtras(size, slots) / 1024.0,
                    (measured.second.rssKib() - measured.first.rssKib()) / n,
                    (measured.second.heapBytes() - measured.first.heapBytes()) / 1024.0 / n,
                    in.waitingIn() / n, out.waitingOut() / n, connections - in.connections());
        }
    }

    /** What {@link #load} found once the pipeline was full. */
    private static final class Measured {
        boolean full;
        ProcessMemory first;
        ProcessMemory second;
        Stats clientStats;
        Stats serverStats;
    }

    /**
     * Connects {@code n} clients, keeps their write-chans full while the server takes nothing but
     * {@code :connected}, waits until writes stop, then (if {@code into} is given) holds and
     * measures twice. The loops' owner closes them, which ends every connection and put.
     */
    private static void load(EventLoop serverLoop, EventLoop clientLoop, int n, int size, int slots, Measured into)
            throws Exception {
        AcceptOptions acceptOptions = slots == 0 ? AcceptOptions.defaults()
                : AcceptOptions.builder().readChanFactory(() -> Chans.chan(slots)).build();
        AcceptSocket server = Tcp.accept(serverLoop, "127.0.0.1", 0, acceptOptions);
        List<ClientSocket> clients = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ConnectOptions options = slots == 0 ? ConnectOptions.defaults()
                    : ConnectOptions.builder().writeChan(Chans.chan(slots)).build();
            clients.add(Tcp.connect(clientLoop, "127.0.0.1", server.port(), options));
        }
        // a reader that saw its connection come up and then stalled: it takes nothing more
        for (int i = 0; i < n; i++) {
            ClientSocket accepted = server.accept(CONNECT_WAIT);
            if (accepted == null || accepted.read(CONNECT_WAIT) != Event.CONNECTED) {
                throw new IllegalStateException("connection " + i + " not accepted in " + CONNECT_WAIT);
            }
        }
        for (ClientSocket client : clients) {
            if (client.read(CONNECT_WAIT) != Event.CONNECTED) {
                throw new IllegalStateException("a client did not connect in " + CONNECT_WAIT);
            }
        }
        FullWriteChans writer = new FullWriteChans(clients, size);
        try {
            boolean full = awaitFull(writer, serverLoop, clientLoop);
            if (into == null) {
                return;
            }
            into.full = full;
            Thread.sleep(HOLD_MILLIS); // held full: what a stalled reader costs, not a transient
            into.first = ProcessMemory.take();
            into.clientStats = clientLoop.stats();
            into.serverStats = serverLoop.stats();
            Thread.sleep(HOLD_MILLIS);
            into.second = ProcessMemory.take();
        } finally {
            writer.close();
        }
    }

    /** Waits, within {@value #FILL_MAX_MILLIS} ms, until nothing is put, written or read for {@value #STABLE_MILLIS} ms. */
    private static boolean awaitFull(FullWriteChans writer, EventLoop serverLoop, EventLoop clientLoop) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FILL_MAX_MILLIS);
        long[] last = {-1, -1, -1};
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Thread.sleep(POLL_MILLIS);
            long[] now = {writer.puts.get(), clientLoop.stats().bytesOut(), serverLoop.stats().bytesIn()};
            if (!Arrays.equals(now, last)) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince >= TimeUnit.MILLISECONDS.toNanos(STABLE_MILLIS)) {
                return true;
            }
        }
        return false;
    }

}
