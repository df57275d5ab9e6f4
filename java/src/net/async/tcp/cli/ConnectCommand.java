/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.async.tcp.ClientSocket;
import net.async.tcp.ConnectOptions;
import net.async.tcp.Event;
import net.async.tcp.EventLoop;
import net.async.tcp.Tcp;

/**
 * {@code net-async connect HOST:PORT}: each line of standard input becomes one message; what
 * arrives is printed. Reconnects as the library does; on end of input, sends what is left,
 * closes and exits.
 *
 * <h2>Threading</h2>
 * The main thread reads standard input and writes; a printer thread reads the connection; with
 * {@code --stats}, a ticker thread prints the figures.
 */
final class ConnectCommand {
    static final String USAGE = """
            usage: net-async connect HOST:PORT|unix:PATH... [--reconnect-period MS] [--wait MS] [--session] [--stats]
              Several addresses: one connection to whichever answers, the one it was last on first,
              then the rest in order (every address a name resolves to). Sends each line of standard input as one message (UTF-8, without the newline) and
              prints every event and message that arrives. Reconnects until standard input ends;
              then prints replies until none has come for --wait ms (default 1000), sends what is
              left, closes the connection and exits.
              --session   session mode (:session true): the server must have it on too
              --stats     print the connection's figures every second, and at the end, on stderr""";

    private ConnectCommand() {
    }

    static int run(String[] args, Printer printer) throws IOException, InterruptedException {
        List<Endpoint> servers = new ArrayList<>();
        ConnectOptions.Builder options = ConnectOptions.builder();
        long waitMillis = 1000;
        boolean stats = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--reconnect-period") && i + 1 < args.length) {
                options.reconnectPeriodMillis(parseMillis(args[++i], "--reconnect-period"));
            } else if (args[i].equals("--wait") && i + 1 < args.length) {
                waitMillis = parseMillis(args[++i], "--wait");
            } else if (args[i].equals("--session")) {
                options.session(true);
            } else if (args[i].equals("--stats")) {
                stats = true;
            } else if (args[i].startsWith("-")) {
                throw new UsageException("unexpected argument '" + args[i] + "'\n" + USAGE);
            } else {
                servers.add(Endpoint.parse(args[i], true));
            }
        }
        if (servers.isEmpty()) {
            throw new UsageException("missing HOST:PORT\n" + USAGE);
        }
        for (Endpoint server : servers) {
            if (!server.isUnix() && servers.size() == 1) {
                resolve(server.host()); // with several, a name that is down is the next one's turn
            }
        }
        Object to = servers.size() == 1 ? servers.get(0) : servers;
        try (EventLoop loop = Tcp.eventLoop()) {
            List<SocketAddress> addresses = servers.stream().map(ConnectCommand::address).toList();
            ClientSocket client = Tcp.connect(loop, addresses, options.build());
            StatsTicker ticker = stats ? new StatsTicker(client::stats, System.err) : null;
            LastEvent last = new LastEvent();
            Thread reader = startPrinting(client, printer, to, last);
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = stdin.readLine()) != null && client.write(line.getBytes(StandardCharsets.UTF_8))) {
                // one message per line
            }
            last.touch(); // the quiet period starts at the end of input
            last.awaitQuiet(waitMillis);
            client.close();
            reader.join(Duration.ofSeconds(30).toMillis());
            if (ticker != null) {
                ticker.close(); // the last line: what the connection did in all
            }
        }
        return 0;
    }

    private static SocketAddress address(Endpoint server) {
        return server.isUnix() ? UnixDomainSocketAddress.of(server.path())
                : InetSocketAddress.createUnresolved(server.host(), server.port());
    }

    private static Thread startPrinting(ClientSocket client, Printer printer, Object to, LastEvent last) {
        Thread reader = new Thread(() -> {
            Event event;
            do {
                event = client.read(Duration.ofDays(365));
                if (event != null) {
                    // with several servers, a :connected line says which one took the link
                    printer.print(event.server() != null && !(to instanceof Endpoint) ? to + " on " + event.server() : to,
                            event);
                    last.touch();
                }
            } while (event != null && event.kind() != Event.Kind.CLOSED);
        }, "net-async-connect-printer");
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    /** When the connection last said something; lets the main thread wait for replies to die down. */
    private static final class LastEvent {
        private long atNanos = System.nanoTime();

        synchronized void touch() {
            atNanos = System.nanoTime();
            notifyAll();
        }

        synchronized void awaitQuiet(long quietMillis) throws InterruptedException {
            long quietNanos = quietMillis * 1_000_000;
            long left;
            while ((left = atNanos + quietNanos - System.nanoTime()) > 0) {
                wait(left / 1_000_000 + 1);
            }
        }
    }

    private static void resolve(String host) {
        try {
            InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new UsageException("unknown host '" + host + "'");
        }
    }

    private static long parseMillis(String text, String option) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new UsageException("bad " + option + " '" + text + "': expected milliseconds");
        }
    }
}
