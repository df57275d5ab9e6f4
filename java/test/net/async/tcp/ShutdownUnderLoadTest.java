/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import net.async.tcp.impl.chan.Chans;
import net.async.tcp.impl.chan.Keywords;
import org.junit.jupiter.api.Test;

/**
 * Shuts the server's loop down while several clients stream to it: every server-side read-chan
 * ends with one :closed and then closes, the port is free as soon as shutdown returns, every
 * client sees :disconnected, and nothing escapes on any thread.
 */
class ShutdownUnderLoadTest {
    private static final int CLIENTS = 4;
    private static final long WAIT_MILLIS = 5000;
    private static final ConnectOptions CLIENT = ConnectOptions.builder().reconnectPeriodMillis(200).build();

    @Test
    void shutdownMidStreamClosesEveryConnectionAndFreesThePort() throws Exception {
        try (Trouble trouble = Trouble.watch(); EventLoop clientLoop = Tcp.eventLoop()) {
            EventLoop serverLoop = Tcp.eventLoop();
            List<ClientSocket> clients = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            AtomicBoolean streaming = new AtomicBoolean(true);
            AtomicInteger received = new AtomicInteger();
            CountDownLatch streamed = new CountDownLatch(1000 * CLIENTS);
            List<Ending> endings = new ArrayList<>();
            try {
                AcceptSocket server = Tcp.accept(serverLoop, "127.0.0.1", 0, AcceptOptions.defaults());
                int port = server.port();
                for (int i = 0; i < CLIENTS; i++) {
                    ClientSocket client = Tcp.connect(clientLoop, "127.0.0.1", port, CLIENT);
                    clients.add(client);
                    assertEquals(Event.CONNECTED, client.read(Duration.ofMillis(WAIT_MILLIS)));
                    ClientSocket accepted = server.accept(Duration.ofMillis(WAIT_MILLIS));
                    assertNotNull(accepted);
                    Ending ending = new Ending(accepted, received, streamed);
                    endings.add(ending);
                    threads.add(start("server-reader-" + i, ending::run));
                    threads.add(start("client-writer-" + i, () -> stream(client, streaming)));
                }
                assertTrue(streamed.await(2 * WAIT_MILLIS, TimeUnit.MILLISECONDS),
                        "streaming: " + received + " messages");
                int before = received.get();

                long start = System.nanoTime();
                Tcp.shutdown(serverLoop);
                long shutdownMillis = (System.nanoTime() - start) / 1_000_000;
                try (ServerSocket again = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
                    assertEquals(port, again.getLocalPort(), "the port is free when shutdown returns");
                }
                for (Ending ending : endings) {
                    assertTrue(ending.done.await(WAIT_MILLIS, TimeUnit.MILLISECONDS), "server read-chan ends");
                    assertNull(ending.problem, ending.problem);
                }
                for (ClientSocket client : clients) {
                    assertEquals(Event.DISCONNECTED, client.read(Duration.ofMillis(WAIT_MILLIS)));
                }
                System.out.printf("shutdown under load: %d clients, %d messages received before, shutdown took %d ms%n",
                        CLIENTS, before, shutdownMillis);
            } finally {
                streaming.set(false);
                clients.forEach(ClientSocket::close);
                serverLoop.close();
                for (Thread thread : threads) {
                    thread.join(WAIT_MILLIS);
                }
            }
            trouble.assertNone();
        }
    }

    private static Thread start(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.start();
        return thread;
    }

    /** Writes 1 KiB messages until told to stop; a write that cannot complete (disconnected) is left pending. */
    private static void stream(ClientSocket client, AtomicBoolean streaming) {
        byte[] message = Frames.payload(1024, 0);
        while (streaming.get()) {
            try {
                if (!client.writeAsync(message).get(100, TimeUnit.MILLISECONDS)) {
                    return; // write-chan closed
                }
            } catch (TimeoutException disconnected) {
                // the library takes nothing while disconnected; look at the flag again
            } catch (InterruptedException | ExecutionException e) {
                return;
            }
        }
    }

    /** Reads one server-side read-chan to its end: payloads, one :closed, then the closed channel. */
    private static final class Ending {
        final CountDownLatch done = new CountDownLatch(1);
        private final ClientSocket socket;
        private final AtomicInteger received;
        private final CountDownLatch streamed;
        volatile String problem;

        Ending(ClientSocket socket, AtomicInteger received, CountDownLatch streamed) {
            this.socket = socket;
            this.received = received;
            this.streamed = streamed;
        }

        void run() {
            try {
                if (Chans.takeWithin(socket.readChan(), WAIT_MILLIS) != Keywords.CONNECTED) {
                    problem = "no :connected first";
                    return;
                }
                Object value;
                while ((value = Chans.takeWithin(socket.readChan(), 2 * WAIT_MILLIS)) instanceof byte[]) {
                    received.incrementAndGet();
                    streamed.countDown();
                }
                if (value != Keywords.CLOSED) {
                    problem = "after the payloads: " + value;
                    return;
                }
                Object after = Chans.takeWithin(socket.readChan(), WAIT_MILLIS);
                if (after != null) {
                    problem = "after :closed, read-chan gave " + after + " instead of closing";
                }
            } finally {
                done.countDown();
            }
        }
    }
}
