/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import net.async.tcp.AcceptSocket;
import net.async.tcp.ClientSocket;
import net.async.tcp.Event;
import net.async.tcp.EventLoop;
import net.async.tcp.Sockets;
import net.async.tcp.Tcp;

/**
 * Run by {@link ResolvedAddressesTest} in a JVM whose {@code jdk.net.hosts.file} names
 * {@code multi.test} 127.0.0.2 and 127.0.0.3, and {@code dual.test} 127.0.0.2 and ::1. A
 * server listens on the second address of each, nothing on the first, and a client dials the
 * name. One line per finding on stdout:
 *
 * <pre>
 * resolved multi.test [multi.test/127.0.0.2, multi.test/127.0.0.3]
 * multi.test on /127.0.0.3:41234 failed-dials 0
 * </pre>
 */
public final class ResolvedAddressesMain {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private ResolvedAddressesMain() {
    }

    public static void main(String[] args) throws Exception {
        try (EventLoop loop = Tcp.eventLoop()) {
            dial(loop, "multi.test", "127.0.0.3");
            dial(loop, "dual.test", "::1");
        }
        System.exit(0);
    }

    private static void dial(EventLoop loop, String name, String serverAddress) throws Exception {
        System.out.println("resolved " + name + " " + Arrays.toString(InetAddress.getAllByName(name)));
        try (AcceptSocket server = Tcp.accept(loop, serverAddress, 0, Sockets.fastServer().build())) {
            ClientSocket client = Tcp.connect(loop, name, server.port(), Sockets.fastClient().build());
            Event event = client.read(WAIT);
            System.out.println(name + " " + (event == null ? "not connected"
                    : event.kind() + " on " + event.server() + " failed-dials " + client.stats().failedDials()));
            client.close();
        }
        System.out.flush();
    }
}
