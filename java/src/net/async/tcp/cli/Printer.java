/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.cli;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import net.async.tcp.Event;

/**
 * Prints events and messages, one line each: a timestamp, the peer, then the event keyword or the
 * message as UTF-8 text when it is printable, as hex otherwise.
 *
 * <pre>
 * 2026-11-25T09:40:01.123Z 127.0.0.1:53144 :connected
 * 2026-11-25T09:40:01.130Z 127.0.0.1:53144 "hello"
 * 2026-11-25T09:40:01.131Z 127.0.0.1:53144 0x00ff10
 * </pre>
 *
 * <h2>Threading</h2>
 * Any thread; each line is printed whole.
 */
final class Printer {
    private final PrintStream out;

    Printer(PrintStream out) {
        this.out = out;
    }

    void print(Object peer, Event event) {
        String what = event.isMessage() ? render(event.payload()) : event.keyword().toString();
        synchronized (out) {
            out.println(Instant.now() + " " + peer + " " + what);
            out.flush();
        }
    }

    static String render(byte[] payload) {
        String text = printableUtf8(payload);
        return text != null ? "\"" + text + "\"" : "0x" + HexFormat.of().formatHex(payload);
    }

    private static String printableUtf8(byte[] payload) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload)).toString();
            return text.codePoints().allMatch(c -> !Character.isISOControl(c) || c == '\t') ? text : null;
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
