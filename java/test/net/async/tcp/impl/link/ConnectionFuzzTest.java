/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.async.tcp.AcceptOptions;
import net.async.tcp.AcceptSocket;
import net.async.tcp.ClientSocket;
import net.async.tcp.EventLoop;
import net.async.tcp.Frames;
import net.async.tcp.ReadingPeer;
import net.async.tcp.Tcp;
import net.async.tcp.Trouble;
import net.async.tcp.impl.chan.Chans;
import net.async.tcp.impl.chan.Keywords;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes one accepted connection end to end, over loopback: a raw-socket peer and the user of the
 * connection take turns as the input says, then the connection is ended and read-chan drained.
 *
 * <pre>
 * input: one op per byte (value mod 10), some followed by an argument byte
 *   0 n   peer sends a valid frame of 1 + n mod 64 bytes      5     peer closes (FIN)
 *   1     peer sends a heartbeat                               6 n   user writes 1 + n mod 64 bytes
 *   2 n … peer sends 1 + n mod 16 raw bytes from the input     7     user puts a String on write-chan
 *   3 n   peer sends a header of max-frame-size + 1 + n        8     user closes write-chan
 *   4     peer sends half a frame, then closes (FIN)           9     user polls read-chan once
 * </pre>
 *
 * Checked: read-chan gives :connected, payloads of 1..max bytes (exactly the peer's frames, in
 * order, unless raw bytes were sent), then :closed exactly once, then is closed, all within
 * seconds; the peer gets the user's byte[] writes in order; nothing escapes a handler (see
 * {@link Trouble}). Each input binds an acceptor and opens one connection, so inputs stay short
 * (at most 32 ops).
 * The seeds live in {@code java/test-resources/net/async/tcp/impl/link/ConnectionFuzzTestInputs}.
 * A fuzzing run (about 100 inputs a second at best):
 * <pre>
 *   mvn test-compile surefire:test@fuzz -Dfuzz.test=ConnectionFuzzTest -Dfuzz.duration=10m
 * </pre>
 */
class ConnectionFuzzTest {
    private static final int MAX = 64;
    private static final int MAX_OPS = 32;
    // generous: while fuzzing, the first connection waits for Jazzer to instrument every class it loads
    private static final long WAIT_MILLIS = 10_000;
    private static final AcceptOptions SERVER = AcceptOptions.builder().maxFrameSize(MAX)
            .heartbeatPeriodMillis(1000).heartbeatTimeoutMillis(10_000).build();
    private static final FuzzStats STATS = new FuzzStats("ConnectionFuzzTest.connection");

    private static EventLoop loop;
    private static Trouble trouble;
    private static boolean noDetectors;

    @BeforeAll
    static void startServer() throws Exception {
        trouble = Trouble.watch();
        loop = Tcp.eventLoop();
    }

    /**
     * Jazzer's SSRF detector flags every connect while fuzzing, and forbids all of them again when
     * fuzzing starts, after the seeds: so tell it each time that ours stay on loopback.
     */
    private static void allowOurConnections() {
        if (noDetectors) {
            return;
        }
        try {
            BugDetectors.allowNetworkConnections((host, port) -> host.equals("localhost") || host.startsWith("127."));
        } catch (IllegalStateException seedsOnly) {
            noDetectors = true; // jazzer.hooks=false: no detector to tell
        }
    }

    @AfterAll
    static void stopServer() {
        try {
            loop.close();
            trouble.assertNone();
        } finally {
            trouble.close();
            STATS.print();
        }
    }

    @FuzzTest(maxDuration = "20s")
    void connection(byte[] input) throws Exception {
        STATS.count();
        allowOurConnections();
        // an acceptor per input: a connection left over from an input that failed cannot leak into the next
        try (AcceptSocket acceptor = Tcp.accept(loop, "127.0.0.1", 0, SERVER);
             ReadingPeer peer = ReadingPeer.connect(acceptor.port())) {
            ClientSocket server = acceptor.accept(Duration.ofMillis(WAIT_MILLIS));
            assertNotNull(server, "accepted in time");
            assertEquals(Keywords.CONNECTED, take(server.readChan()));
            new Run(input, peer, server).play();
        }
        trouble.assertNone();
    }

    private static Object take(Object chan) {
        Object value = Chans.takeWithin(chan, WAIT_MILLIS);
        if (value == Chans.timedOut()) {
            fail("nothing on read-chan for " + WAIT_MILLIS + " ms: the connection hangs");
        }
        return value;
    }

    private static final class Run {
        private final byte[] input;
        private final ReadingPeer peer;
        private final ClientSocket server;
        private final List<byte[]> peerSent = new ArrayList<>();
        private final List<byte[]> userWrote = new ArrayList<>();
        private final List<Object> events = new ArrayList<>();
        private boolean raw;        // the peer sent raw bytes: what the server decodes is unknown
        private boolean userClosed; // the server may close before reading all the peer sent
        private boolean ended;
        private int at;

        Run(byte[] input, ReadingPeer peer, ClientSocket server) {
            this.input = input;
            this.peer = peer;
            this.server = server;
        }

        private int arg() {
            return at < input.length ? input[at++] & 0xff : 0;
        }

        void play() throws Exception {
            for (int ops = 0; ops < MAX_OPS && at < input.length && !ended; ops++) {
                step(input[at++] & 0xff);
            }
            if (!ended || raw) {
                // after raw bytes even an oversize header may be read as the tail of another frame
                peer.shutdownOutput();
            }
            drain();
            check();
        }

        private void step(int op) throws Exception {
            switch (op % 10) {
                case 0 -> {
                    byte[] payload = Frames.payload(1 + arg() % MAX, peerSent.size());
                    peerSent.add(payload);
                    peer.send(Frames.frame(payload));
                }
                case 1 -> peer.send(Frames.heartbeat());
                case 2 -> {
                    int n = 1 + arg() % 16;
                    peer.send(Arrays.copyOfRange(input, Math.min(at, input.length), Math.min(at + n, input.length)));
                    at += n;
                    raw = true;
                }
                case 3 -> {
                    peer.send(Frames.header(MAX + 1 + arg()));
                    ended = true;
                }
                case 4 -> {
                    peer.send(Arrays.copyOf(Frames.frame(10), 7));
                    peer.shutdownOutput();
                    ended = true;
                }
                case 5 -> {
                    peer.shutdownOutput();
                    ended = true;
                }
                case 6 -> {
                    byte[] payload = Frames.payload(1 + arg() % MAX, 100 + userWrote.size());
                    if (put(payload)) {
                        userWrote.add(payload);
                    }
                }
                case 7 -> put("not a byte[]");
                case 8 -> {
                    Chans.close(server.writeChan());
                    userClosed = true;
                    ended = true;
                }
                default -> {
                    Object value = Chans.poll(server.readChan());
                    if (value != null) {
                        events.add(value);
                    }
                }
            }
        }

        /** A put that must not hang: the library takes from write-chan while the link is up. */
        private boolean put(Object value) throws Exception {
            CompletableFuture<Boolean> done = new CompletableFuture<>();
            Chans.put(server.writeChan(), value, done::complete);
            return done.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        }

        private void drain() {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * WAIT_MILLIS);
            Object value;
            while ((value = take(server.readChan())) != null) {
                events.add(value);
                assertTrue(System.nanoTime() < deadline, "read-chan never closes");
            }
        }

        private void check() throws InterruptedException {
            assertTrue(peer.awaitEnd(Duration.ofMillis(WAIT_MILLIS)), "the server closed the socket");
            assertEquals(Keywords.CLOSED, events.get(events.size() - 1), () -> "ends with :closed: " + events);
            List<byte[]> messages = new ArrayList<>();
            for (Object event : events.subList(0, events.size() - 1)) {
                if (!(event instanceof byte[] payload)) {
                    fail("only payloads before the one :closed, got " + event + " in " + events);
                    return;
                }
                assertTrue(payload.length >= 1 && payload.length <= MAX, "payload of " + payload.length);
                messages.add(payload);
            }
            if (!raw) {
                assertPrefix(peerSent, messages, "read-chan");
                if (!userClosed) {
                    assertEquals(peerSent.size(), messages.size(), "every frame the peer sent arrived");
                }
            }
            List<byte[]> received = peer.received();
            assertPrefix(userWrote, received, "the peer");
            if (userClosed && !raw && peerSent.size() == messages.size()) {
                assertEquals(userWrote.size(), received.size(), "close sends everything written first");
            }
        }

        private static void assertPrefix(List<byte[]> sent, List<byte[]> got, String where) {
            assertTrue(got.size() <= sent.size(), where + " got " + got.size() + " of " + sent.size());
            for (int i = 0; i < got.size(); i++) {
                assertArrayEquals(sent.get(i), got.get(i), where + ", message " + i);
            }
        }
    }
}
