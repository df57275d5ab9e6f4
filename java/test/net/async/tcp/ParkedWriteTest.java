/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** A write waiting on write-chan when the connection ends must not wait forever. */
class ParkedWriteTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void aWriteParkedWhenTheConnectionEndsCompletes() throws Exception {
        try (EventLoop loop = Tcp.eventLoop();
             AcceptSocket server = Tcp.accept(loop, "127.0.0.1", 0, AcceptOptions.defaults())) {
            CompletableFuture<Boolean> parked = null;
            ClientSocket accepted;
            // a peer that never reads: the socket fills, the library stops taking, a write parks
            try (Socket peer = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                accepted = server.accept(WAIT);
                assertNotNull(accepted);
                assertEquals(Event.CONNECTED, accepted.read(WAIT));
                byte[] big = new byte[256 * 1024];
                for (int i = 0; i < 1000 && parked == null; i++) {
                    CompletableFuture<Boolean> write = accepted.writeAsync(big);
                    try {
                        write.get(200, TimeUnit.MILLISECONDS);
                    } catch (TimeoutException socketFull) {
                        parked = write;
                    }
                }
                assertNotNull(parked, "a write parked");
                peer.setSoLinger(true, 0); // reset: the connection ends at once
            }
            assertEquals(Event.CLOSED, accepted.read(WAIT));
            // the value can never be sent; what matters is that the writer is not stuck forever
            parked.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(parked.isDone());
        }
    }
}
