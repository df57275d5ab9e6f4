/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import net.async.tcp.AcceptOptions;
import net.async.tcp.AcceptSocket;
import net.async.tcp.ClientSocket;
import net.async.tcp.Event;
import net.async.tcp.EventLoop;
import net.async.tcp.EventLoopOptions;
import net.async.tcp.Tcp;

/**
 * An echo server for many connections: no thread per connection, only readAsync/writeAsync
 * callbacks. Prints {@code port N}, then {@code rss KB} at start and each time the number of
 * live connections reaches a multiple of 1,000, and {@code closed N} as connections end.
 *
 * <h2>Threading</h2>
 * The main thread accepts; everything else runs in core.async callbacks.
 */
public final class CallbackEchoServerMain {
    private static final AtomicInteger live = new AtomicInteger();

    private CallbackEchoServerMain() {
    }

    public static void main(String[] args) throws Exception {
        AcceptOptions options = AcceptOptions.builder()
                .heartbeatPeriodMillis(Long.parseLong(args[0]))
                .heartbeatTimeoutMillis(Long.parseLong(args[1]))
                .build();
        EchoServerMain.exitWhenParentGoes();
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        EventLoop loop = Tcp.eventLoop(EventLoopOptions.builder().threads(threads).build());
        AcceptSocket acceptor = Tcp.accept(loop, "127.0.0.1", 0, options);
        say("port " + acceptor.port());
        say("rss " + rssKiB());
        ClientSocket peer;
        while ((peer = acceptor.acceptAsync().join()) != null) {
            if (live.incrementAndGet() % 1000 == 0) {
                say("rss " + rssKiB() + " at " + live.get());
            }
            echo(peer);
        }
    }

    private static void echo(ClientSocket connection) {
        connection.readAsync().thenAccept(event -> {
            if (event.isMessage()) {
                connection.writeAsync(event.payload()).thenRun(() -> echo(connection));
            } else if (event.kind() == Event.Kind.CLOSED) {
                say("closed " + live.decrementAndGet());
            } else {
                echo(connection);
            }
        });
    }

    static long rssKiB() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                    .findFirst().orElse(-1);
        } catch (Exception e) {
            return -1;
        }
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
