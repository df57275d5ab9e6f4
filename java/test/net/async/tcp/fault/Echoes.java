/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.async.tcp.ClientSocket;
import net.async.tcp.Event;

/** What the fault tests do with a client of {@link EchoServerMain}. */
final class Echoes {
    private Echoes() {
    }

    /** Reads the next event, failing unless it is of {@code kind} and came within {@code timeout}. */
    static void expect(ClientSocket client, Event.Kind kind, Duration timeout, String when) {
        Event event = client.read(timeout);
        assertEquals(kind, event == null ? null : event.kind(),
                when + ": expected " + kind + " within " + timeout.toMillis() + " ms");
    }

    /**
     * Reads until DISCONNECTED and returns the milliseconds since {@code sinceNanos}. A CONNECTED
     * on the way (a link that dropped and came back just before the fault) is skipped.
     */
    static long untilDisconnected(ClientSocket client, Duration timeout, long sinceNanos) {
        for (int i = 0; i < 10; i++) {
            Event event = client.read(timeout);
            if (event == null || event.kind() == Event.Kind.DISCONNECTED) {
                assertTrue(event != null, "DISCONNECTED within " + timeout.toMillis() + " ms");
                return Await.millisSince(sinceNanos);
            }
            assertEquals(Event.Kind.CONNECTED, event.kind(), "nothing but CONNECTED before DISCONNECTED");
        }
        throw new AssertionError("connection flapping: no DISCONNECTED in 10 events");
    }

    /** Sends {@code text} and expects it back as the next event; fails on anything else. */
    static void roundTrip(ClientSocket client, String text, Duration timeout) {
        assertTrue(write(client, text.getBytes(UTF_8), timeout), "write of \"" + text + "\" taken");
        Event echo = client.read(timeout);
        assertTrue(echo != null && echo.isMessage(), "echo of \"" + text + "\" within "
                + timeout.toMillis() + " ms, got " + echo);
        assertEquals(text, new String(echo.payload(), UTF_8));
    }

    /**
     * Recovery after a fault: the client may still report a stale loss or two (say, a link it
     * opened into a frozen peer's backlog), so wait for CONNECTED and try a round trip, at most
     * {@code attempts} times. Returns how many CONNECTEDs it took.
     */
    static int recover(ClientSocket client, String text, int attempts, Duration timeout) {
        for (int attempt = 1; attempt <= attempts; attempt++) {
            Event event = client.read(timeout);
            while (event != null && event.kind() == Event.Kind.DISCONNECTED) {
                event = client.read(timeout);
            }
            assertEquals(Event.Kind.CONNECTED, event == null ? null : event.kind(),
                    "CONNECTED within " + timeout.toMillis() + " ms, attempt " + attempt);
            String payload = text + " #" + attempt;
            if (!write(client, payload.getBytes(UTF_8), timeout)) {
                fail("write-chan closed");
            }
            Event echo = client.read(timeout);
            if (echo != null && echo.isMessage()) {
                assertEquals(payload, new String(echo.payload(), UTF_8));
                return attempt;
            }
            assertEquals(Event.Kind.DISCONNECTED, echo == null ? null : echo.kind(),
                    "after CONNECTED: the echo or a new loss");
        }
        throw new AssertionError("no round trip after " + attempts + " reconnects");
    }

    /** {@link ClientSocket#write} with a bound: true once taken, false if closed; fails on timeout. */
    static boolean write(ClientSocket client, byte[] payload, Duration timeout) {
        try {
            return client.writeAsync(payload).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("write not taken within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
    }
}
