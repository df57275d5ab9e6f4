/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.async.tcp.ClientSocket;
import net.async.tcp.Event;

/**
 * One client of {@link EchoServerMain} streaming numbered messages (1, 2, 3, …) as fast as the
 * connection takes them, on a writer thread, while a reader thread checks the echoes: each must
 * carry a higher number than the one before, across reconnects too; gaps (messages lost in the
 * kernel when the peer died) are counted, not failed.
 *
 * <h3>Threading</h3>
 * Two threads of its own; the counters are volatile and written by the reader thread only.
 */
final class Streamer implements AutoCloseable {
    private static final int PAYLOAD_BYTES = 64;
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long JOIN_MILLIS = 5000;

    private final ClientSocket client;
    private final String name;
    private final Thread writer;
    private final Thread reader;
    private final List<String> violations = new ArrayList<>();
    private volatile boolean stopWriting;
    private volatile boolean stopReading;
    private volatile long lastEcho;
    private volatile long echoes;
    private volatile long echoesThisLink;
    private volatile long lost;
    private volatile int connects;
    private volatile int disconnects;

    Streamer(ClientSocket client, String name) {
        this.client = client;
        this.name = name;
        this.writer = new Thread(this::write, name + "-writer");
        this.reader = new Thread(this::read, name + "-reader");
        writer.setDaemon(true);
        reader.setDaemon(true);
        reader.start();
        writer.start();
    }

    private void write() {
        for (long seq = 1; !stopWriting; seq++) {
            byte[] payload = ByteBuffer.allocate(PAYLOAD_BYTES).putLong(seq).array();
            CompletableFuture<Boolean> taken = client.writeAsync(payload);
            while (!stopWriting) { // while disconnected nothing is taken: wait, but keep looking at the flag
                try {
                    if (!taken.get(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                        return; // write-chan closed
                    }
                    break;
                } catch (TimeoutException e) {
                    // still waiting
                } catch (InterruptedException | ExecutionException e) {
                    return;
                }
            }
        }
    }

    private void read() {
        while (!stopReading) {
            Event event = client.read(POLL);
            if (event == null) {
                continue;
            }
            switch (event.kind()) {
                case CONNECTED -> {
                    echoesThisLink = 0;
                    connects++;
                }
                case DISCONNECTED -> disconnects++;
                case MESSAGE -> onEcho(ByteBuffer.wrap(event.payload()).getLong());
                case CLOSED -> {
                    return;
                }
            }
        }
    }

    private void onEcho(long seq) {
        if (seq <= lastEcho) {
            synchronized (violations) {
                violations.add(name + ": echo " + seq + " after " + lastEcho + " (link " + connects + ")");
            }
            return;
        }
        lost += seq - lastEcho - 1;
        lastEcho = seq;
        echoes++;
        echoesThisLink++;
    }

    /** Echoes received on the current link, since its CONNECTED. */
    long echoesThisLink() {
        return echoesThisLink;
    }

    long echoes() {
        return echoes;
    }

    /** Messages never echoed: gaps in the numbers received. */
    long lost() {
        return lost;
    }

    int connects() {
        return connects;
    }

    int disconnects() {
        return disconnects;
    }

    List<String> violations() {
        synchronized (violations) {
            return new ArrayList<>(violations);
        }
    }

    /** Stops writing, closes the connection, reads up to CLOSED; bounded. */
    @Override
    public void close() {
        stopWriting = true;
        try {
            writer.join(JOIN_MILLIS);
            client.close();
            reader.join(JOIN_MILLIS); // reads the last echoes, up to CLOSED
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            client.close();
            stopReading = true;
        }
    }
}
