/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
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
    void parsesEndpoints() {
        assertEquals(new Endpoint(null, 80, null), Endpoint.parse("80", false));
        assertEquals(new Endpoint("::1", 80, null), Endpoint.parse("[::1]:80", true));
        assertEquals(new Endpoint("example.org", 0, null), Endpoint.parse("example.org:0", true));
        assertEquals(new Endpoint(null, 0, java.nio.file.Path.of("/run/app.sock")),
                Endpoint.parse("unix:/run/app.sock", true));
        assertEquals("unix:/run/app.sock", Endpoint.parse("unix:/run/app.sock", false).toString());
    }
}
