/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import net.async.tcp.AcceptOptions;
import net.async.tcp.AcceptSocket;
import net.async.tcp.ClientSocket;
import net.async.tcp.Event;
import net.async.tcp.EventLoop;
import net.async.tcp.Tcp;
import net.async.tcp.impl.chan.Chans;

/**
 * The peer the fault tests hurt: an echo server in a JVM of its own, sending every message back
 * unchanged. Talks to the test through stdout, one line per event:
 *
 * <pre>
 * port 41234      bound, accepting
 * connected       a connection was accepted (in session mode: or its client came back)
 * disconnected    in session mode: an accepted session lost its link, and waits for its client
 * closed          an accepted connection reported CLOSED (peer gone, or stuck: heartbeat-timeout)
 * </pre>
 *
 * Arguments: {@code port heartbeatPeriodMillis heartbeatTimeoutMillis [session]}. Exits when its stdin
 * closes (the test JVM is gone) or after {@value #MAX_LIFETIME_SECONDS} s, so it never outlives
 * a crashed test for long.
 */
public final class EchoServerMain {
    private static final long MAX_LIFETIME_SECONDS = 120;
    private static final Duration IDLE = Duration.ofSeconds(MAX_LIFETIME_SECONDS);

    private EchoServerMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        AcceptOptions options = AcceptOptions.builder()
                .heartbeatPeriodMillis(Long.parseLong(args[1]))
                .heartbeatTimeoutMillis(Long.parseLong(args[2]))
                .readChanFactory(() -> Chans.chan(1024))
                .writeChanFactory(() -> Chans.chan(1024))
                .session(args.length > 3 && args[3].equals("session"))
                .build();
        exitWhenParentGoes();
        EventLoop loop = Tcp.eventLoop();
        AcceptSocket acceptor = Tcp.accept(loop, null, port, options);
        say("port " + acceptor.port());
        ClientSocket peer;
        while ((peer = acceptor.accept(IDLE)) != null) {
            ClientSocket connection = peer;
            Thread echo = new Thread(() -> echo(connection), "echo");
            echo.setDaemon(true);
            echo.start();
        }
        System.exit(0);
    }

    private static void echo(ClientSocket connection) {
        Event event;
        while ((event = connection.read(IDLE)) != null) {
            switch (event.kind()) {
                case CONNECTED -> say("connected");
                case MESSAGE -> connection.write(event.payload());
                case CLOSED -> {
                    say("closed");
                    return;
                }
                case DISCONNECTED -> say("disconnected"); // only on an accepted session
                case SESSION_LOST -> say("session-lost"); // never on an accepted connection
            }
        }
    }

    private static void say(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }

    static void exitWhenParentGoes() {
        Thread watchdog = new Thread(() -> {
            try (InputStream in = System.in) {
                while (in.read() >= 0) {
                    // the test never writes; EOF means it is gone
                }
            } catch (IOException e) {
                // same: the pipe is gone
            }
            System.exit(0);
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        new java.util.Timer("max-lifetime", true).schedule(new java.util.TimerTask() {
            @Override
            public void run() {
                System.exit(1);
            }
        }, MAX_LIFETIME_SECONDS * 1000);
    }
}
