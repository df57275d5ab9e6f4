/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.async.tcp.Stats;
import org.junit.jupiter.api.Test;

class PrinterTest {
    @Test
    void rendersPrintableUtf8AsTextAndAnythingElseAsHex() {
        assertEquals("\"héllo wörld\"", Printer.render("héllo wörld".getBytes(StandardCharsets.UTF_8)));
        assertEquals("0x00ff", Printer.render(new byte[] {0, (byte) 0xff}));
        assertEquals("0x6869ff", Printer.render(new byte[] {'h', 'i', (byte) 0xff}), "invalid UTF-8");
        assertEquals("0x6869 0a".replace(" ", ""), Printer.render(new byte[] {'h', 'i', '\n'}), "control characters");
    }

    @Test
    void aStatsLineHasEveryFigureRatesAndTheCausesThatHappened() {
        Stats before = new Stats("connected", 1, 1, 0, 0, Map.of(), 100, 1000, 50, 500, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        Stats now = new Stats("connected", 1, 2, 3, 1, Map.of(Stats.Cause.HEARTBEAT_TIMEOUT, 1L), 300, 3000, 50, 500,
                4, 5, 6, 7, 0, 1, 0, 0, 0);
        assertEquals("state=connected connections=1 connects=2 reconnects=1 failed-dials=3 "
                + "disconnects=1 (heartbeat-timeout=1) messages-in=300 (+100/s) bytes-in=3000 (+1000/s) "
                + "messages-out=50 (+0/s) bytes-out=500 (+0/s) heartbeats-in=4 heartbeats-out=5 "
                + "waiting-in=6 waiting-out=7 sessions-resumed=0 sessions-lost=1", StatsTicker.format(now, before, 2.0));
        Stats acceptor = new Stats("shut down", 0, 0, 0, 0, Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 0);
        assertEquals("state=shut-down connections=0 connects=0 reconnects=0 failed-dials=0 disconnects=0 "
                + "messages-in=0 bytes-in=0 messages-out=0 bytes-out=0 heartbeats-in=0 heartbeats-out=0 "
                + "waiting-in=0 waiting-out=0 sessions-resumed=0 sessions-lost=0 accepted=2 rejected=1 evicted=0",
                StatsTicker.format(acceptor, null, 0));
        Stats busy = new Stats("accepting", 2, 0, 0, 0, Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 3, 1, 4, 128);
        assertTrue(StatsTicker.format(busy, null, 0).endsWith(" accepted=9 rejected=0 evicted=0 handshaking=4 "
                + "pending-sessions=128 handshakes-refused=3 sessions-refused=1"), "a busy session server's figures");
    }

    @Test
    void parsesEndpoints() {
        assertEquals(new Endpoint(null, 80, null), Endpoint.parse("80", false));
        assertEquals(new Endpoint("::1", 80, null), Endpoint.parse("[::1]:80", true));
        assertEquals(new Endpoint("example.org", 0, null), Endpoint.parse("example.org:0", true));
        assertEquals(new Endpoint(null, 0, java.nio.file.Path.of("/run/app.sock")),
                Endpoint.parse("unix:/run/app.sock", true));
        assertEquals("unix:/run/app.sock", Endpoint.parse("unix:/run/app.sock", false).toString());
    }
}
