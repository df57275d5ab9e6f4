/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's Java example runs as printed. */
class EchoExampleTest {
    @Test
    void readmeJavaEchoPrintsThreeEchoes() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            EchoExample.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        assertEquals("ECHO/hello 0\nECHO/hello 1\nECHO/hello 2\n",
                captured.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
    }
}
