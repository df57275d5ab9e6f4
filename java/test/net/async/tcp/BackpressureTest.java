/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import static net.async.tcp.Chan.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * End-to-end backpressure: while nobody takes from a read-chan its connection stops reading, TCP
 * pushes back, and the sender's write-chan stops being drained; once the reader resumes,
 * everything arrives in order. The pause lasts far longer than heartbeat-timeout, so this also
 * shows that a paused reader is not mistaken for a stuck link.
 */
class BackpressureTest {
    private static final int PAYLOAD_BYTES = 64 * 1024;
    /** 256 MiB: far beyond any loopback socket buffers; reaching it means nothing pushed back. */
    private static final int LIMIT = 4096;
    private static final Duration STALL = Duration.ofSeconds(1);
    private static final int AFTER_RESUME = 100;

    @Test
    void senderStallsWhileNobodyReadsThenEverythingArrivesInOrder() throws Exception {
        try (EventLoop serverLoop = Tcp.eventLoop(); EventLoop clientLoop = Tcp.eventLoop()) {
            AcceptSocket server = Sockets.listen(serverLoop);
            ClientSocket client = Sockets.connect(clientLoop, server.port());
            ClientSocket accepted = Sockets.nextAccepted(server);
            assertEquals(CONNECTED, Chan.take(client.readChan()));
            assertEquals(CONNECTED, Chan.take(accepted.readChan()));

            int sent = 0;
            while (sent < LIMIT && Chan.tryPut(client.writeChan(), payload(sent), STALL)) {
                sent++;
            }
            assertTrue(sent < LIMIT, "write-chan was drained of " + LIMIT + " x 64 KiB with nobody reading");

            int total = sent + AFTER_RESUME;
            CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < total; i++) {
                    byte[] payload = assertInstanceOf(byte[].class, Chan.takeRaw(accepted.readChan(), Chan.WAIT),
                            "message " + i);
                    assertEquals(PAYLOAD_BYTES, payload.length);
                    assertEquals(i, ByteBuffer.wrap(payload).getInt(), "order");
                }
            });
            for (int i = sent; i < total; i++) {
                Chan.put(client.writeChan(), payload(i));
            }
            reader.get(Chan.WAIT.toMillis() * 2, TimeUnit.MILLISECONDS);
            Chan.close(client.writeChan());
            Chan.assertClosesNext(accepted.readChan());
        }
    }

    private static byte[] payload(int sequence) {
        return ByteBuffer.allocate(PAYLOAD_BYTES).putInt(sequence).array();
    }
}
