/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.cli;

import java.net.BindException;
import java.time.Duration;
import net.async.tcp.AcceptOptions;
import net.async.tcp.AcceptSocket;
import net.async.tcp.ClientSocket;
import net.async.tcp.Event;
import net.async.tcp.EventLoop;
import net.async.tcp.Tcp;

/**
 * {@code net-async listen [HOST:]PORT [--echo] [--stats]}: accepts connections and prints what each
 * one says; with {@code --echo}, sends every message back. Runs until killed.
 *
 * <h2>Threading</h2>
 * The main thread accepts; one reader thread per connection prints (and echoes); with
 * {@code --stats}, a ticker thread prints the figures.
 */
final class ListenCommand {
    static final String USAGE = """
            usage: net-async listen [HOST:]PORT|unix:PATH [--echo] [--session] [--stats]
              Accepts connections on PORT (all interfaces unless HOST is given; 0 = any free port),
              or on the Unix domain socket at PATH, and prints each event and message with the
              peer address and a timestamp.
              --echo      send every message back to its sender
              --session   session mode (:session true): clients must have it on too
              --stats     print the acceptor's figures every second on stderr""";

    private ListenCommand() {
    }

    static int run(String[] args, Printer printer) throws InterruptedException {
        Endpoint at = null;
        boolean echo = false;
        boolean session = false;
        boolean stats = false;
        for (String arg : args) {
            if (arg.equals("--echo")) {
                echo = true;
            } else if (arg.equals("--session")) {
                session = true;
            } else if (arg.equals("--stats")) {
                stats = true;
            } else if (arg.startsWith("-") || at != null) {
                throw new UsageException("unexpected argument '" + arg + "'\n" + USAGE);
            } else {
                at = Endpoint.parse(arg, false);
            }
        }
        if (at == null) {
            throw new UsageException("missing [HOST:]PORT\n" + USAGE);
        }
        try (EventLoop loop = Tcp.eventLoop()) {
            AcceptSocket acceptor = bind(loop, at, session);
            System.err.println("listening on " + (at.isUnix() ? at : (at.host() == null ? "*" : at.host()) + ":"
                    + acceptor.port()));
            if (stats) {
                new StatsTicker(acceptor::stats, System.err); // until the process is killed
            }
            ClientSocket peer;
            while ((peer = acceptor.accept(Duration.ofDays(365))) != null) {
                serve(peer, printer, echo);
            }
        }
        return 0;
    }

    private static AcceptSocket bind(EventLoop loop, Endpoint at, boolean session) {
        try {
            AcceptOptions options = AcceptOptions.builder().session(session).build();
            return at.isUnix() ? Tcp.accept(loop, at.path(), options) : Tcp.accept(loop, at.host(), at.port(), options);
        } catch (BindException e) {
            throw new UsageException("cannot listen on " + at + ": " + e.getMessage());
        }
    }

    private static void serve(ClientSocket peer, Printer printer, boolean echo) {
        Thread reader = new Thread(() -> {
            Event event;
            while ((event = peer.read(Duration.ofDays(365))) != null) {
                printer.print(peer.remoteAddress(), event);
                if (event.kind() == Event.Kind.CLOSED) {
                    return;
                }
                if (echo && event.isMessage()) {
                    peer.write(event.payload());
                }
            }
        }, "net-async-listen-" + peer.remoteAddress());
        reader.setDaemon(true);
        reader.start();
    }
}
