/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Numbered message streams for the session tests: a writer thread sends {@code tag/0},
 * {@code tag/1}, …; a reader collects the numbers in the order they arrive, so a test can say
 * exactly what was lost, repeated or reordered.
 *
 * <pre>
 * Thread writer = Streams.write(client, "s", 1000);
 * List&lt;Integer&gt; got = Streams.readUntil(accepted, "s", n -&gt; n == 999);
 * assertEquals(Streams.range(0, 999), got);
 * </pre>
 *
 * <h3>Threading</h3>
 * Stateless; the writer runs on a daemon thread of its own, the reads block the caller.
 */
public final class Streams {
    private Streams() {
    }

    public static byte[] message(String tag, int n) {
        return (tag + "/" + n).getBytes(UTF_8);
    }

    /** Starts a daemon thread that writes {@code count} numbered messages, each within {@link Chan#WAIT}. */
    public static Thread write(ClientSocket socket, String tag, int count) {
        Thread writer = new Thread(() -> {
            for (int i = 0; i < count; i++) {
                if (!Chan.tryPut(socket.writeChan(), message(tag, i), Chan.WAIT)) {
                    return;
                }
            }
        }, "stream-writer-" + tag);
        writer.setDaemon(true);
        writer.start();
        return writer;
    }

    /**
     * The numbers of {@code tag}'s messages read until one satisfies {@code last}, skipping events;
     * fails if the channel closes first or nothing comes for {@link Chan#WAIT}.
     */
    public static List<Integer> readUntil(ClientSocket socket, String tag, IntPredicate last) {
        List<Integer> numbers = new ArrayList<>();
        String prefix = tag + "/";
        while (true) {
            Object value = Chan.takeRaw(socket.readChan(), Chan.WAIT);
            if (value == null || value == Chan.CLOSED) {
                throw new AssertionError("closed after " + numbers.size() + " messages of " + tag);
            }
            if (value instanceof byte[] payload) {
                String text = new String(payload, UTF_8);
                if (!text.startsWith(prefix)) {
                    throw new AssertionError("not a message of " + tag + ": " + text);
                }
                int n = Integer.parseInt(text.substring(prefix.length()));
                numbers.add(n);
                if (last.test(n)) {
                    return numbers;
                }
            }
        }
    }

    /** {@code from..to}, both included. */
    public static List<Integer> range(int from, int to) {
        return IntStream.rangeClosed(from, to).boxed().collect(Collectors.toList());
    }
}
