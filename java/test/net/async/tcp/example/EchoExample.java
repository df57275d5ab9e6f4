/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.example;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import net.async.tcp.AcceptSocket;
import net.async.tcp.ClientSocket;
import net.async.tcp.Event;
import net.async.tcp.EventLoop;
import net.async.tcp.Tcp;

/** The README's Java echo server and client, verbatim; EchoExampleTest runs it. */
public final class EchoExample {
    public static void main(String[] args) throws Exception {
        try (EventLoop loop = Tcp.eventLoop();
             AcceptSocket acceptor = Tcp.accept(loop, 0)) {
            Thread server = new Thread(() -> echoServer(acceptor), "echo-server");
            server.start();
            try (ClientSocket client = Tcp.connect(loop, "127.0.0.1", acceptor.port())) {
                for (int i = 0; i < 3; i++) {
                    client.write(("hello " + i).getBytes(UTF_8));
                    Event reply = client.read(Duration.ofSeconds(5));
                    while (reply != null && !reply.isMessage()) {   // skip CONNECTED
                        reply = client.read(Duration.ofSeconds(5));
                    }
                    System.out.println(reply == null ? "no reply" : new String(reply.payload(), UTF_8));
                }
            }
            acceptor.close();
            server.join(5000);
        }
    }

    /** Echoes every message of every connection, one thread per connection, until accepting stops. */
    static void echoServer(AcceptSocket acceptor) {
        ClientSocket peer;
        while ((peer = acceptor.acceptAsync().join()) != null) {
            ClientSocket connection = peer;
            new Thread(() -> {
                Event event;
                while ((event = connection.read(Duration.ofMinutes(1))) != null && event.kind() != Event.Kind.CLOSED) {
                    if (event.isMessage()) {
                        connection.write(("ECHO/" + new String(event.payload(), UTF_8)).getBytes(UTF_8));
                    }
                }
            }, "echo-connection").start();
        }
    }
}
