/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import net.async.tcp.AcceptOptions;
import net.async.tcp.AcceptSocket;
import net.async.tcp.Await;
import net.async.tcp.Chan;
import net.async.tcp.ClientSocket;
import net.async.tcp.ConnectOptions;
import net.async.tcp.ConnectOptions.Failover;
import net.async.tcp.Event;
import net.async.tcp.EventLoop;
import net.async.tcp.Sockets;
import net.async.tcp.Tcp;
import net.async.tcp.Trouble;
import org.junit.jupiter.api.Test;

/**
 * A client that knows three servers. They are stopped one by one (their event loops shut down,
 * so their sessions go with them) and started again on the same ports; the client follows, on
 * the same channels, and in session mode nothing written is lost: what a stopped server had not
 * acknowledged goes again to the next, after {@code :session-lost}.
 *
 * <h3>Threading</h3>
 * The test thread writes and waits; each server has a thread taking its accepted sessions and
 * one reading each, all ending with their loop.
 */
class FailoverTest {
    private static final int PER_PHASE = 200;

    @Test
    void theClientFollowsServersStoppedAndRestartedOneByOneAndLosesNothing() throws Exception {
        try (Trouble trouble = Trouble.watch(); EventLoop clientLoop = Tcp.eventLoop()) {
            List<Server> servers = new ArrayList<>(); // as they run now
            List<Server> ever = new CopyOnWriteArrayList<>(); // every run, for what each received
            for (int i = 0; i < 3; i++) {
                servers.add(Server.start(0));
            }
            ever.addAll(servers);
            List<InetSocketAddress> addresses = servers.stream()
                    .map(s -> InetSocketAddress.createUnresolved(Sockets.HOST, s.port)).toList();
            ClientSocket client = Tcp.connect(clientLoop, addresses, Sockets.fastClient().session(true)
                    .connectTimeoutMillis(1000).build());
            try {
                int sent = 0;
                // each round: the one it was on, then the list in order. On 0; 0 stops: on 1; 0 is back,
                // 1 stops: on 0; 0 stops: on 2; 1 is back, 2 stops: on 1
                int[] expectedServer = {0, 1, 0, 2, 1};
                for (int phase = 0; phase < expectedServer.length; phase++) {
                    Server on = servers.get(expectedServer[phase]);
                    for (int i = 0; i < PER_PHASE; i++) {
                        assertTrue(client.write(ByteBuffer.allocate(4).putInt(sent++).array()));
                    }
                    int upTo = sent;
                    Await.until(() -> received(ever).size() == upTo, Chan.WAIT,
                            "phase " + phase + ": every message so far on some server");
                    assertTrue(on.received.contains(upTo - 1), "phase " + phase + ": on server " + expectedServer[phase]
                            + ", as stats say: " + client.stats().server());
                    assertEquals(on.port, ((InetSocketAddress) client.stats().server()).getPort());
                    if (phase == 1) {
                        restart(servers, ever, 0);
                    } else if (phase == 3) {
                        restart(servers, ever, 1);
                    }
                    on.stop();
                }
                assertEquals(sent, received(ever).size(), "nothing lost: every number arrived");
                for (Server server : ever) {
                    server.assertInOrderPerSession();
                }
            } finally {
                ever.forEach(Server::stop);
            }
            trouble.assertNone();
        }
    }

    @Test
    void withRandomFailoverClientsSpreadOverTheServers() throws Exception {
        List<Server> servers = new ArrayList<>();
        try (EventLoop clientLoop = Tcp.eventLoop()) {
            for (int i = 0; i < 3; i++) {
                servers.add(Server.start(0));
            }
            List<InetSocketAddress> addresses = servers.stream()
                    .map(s -> new InetSocketAddress(Sockets.HOST, s.port)).toList();
            ConnectOptions random = Sockets.fastClient().failover(Failover.RANDOM).build();
            Set<Integer> ports = new TreeSet<>();
            for (int i = 0; i < 30; i++) {
                ClientSocket client = Tcp.connect(clientLoop, addresses, random);
                assertEquals(Event.CONNECTED, client.read(Chan.WAIT));
                ports.add(((InetSocketAddress) client.server()).getPort());
                client.close();
            }
            assertTrue(ports.size() > 1, "30 clients, all on one of three servers: " + ports);
        } finally {
            servers.forEach(Server::stop);
        }
    }

    /** Server {@code i}, stopped before, starts again on its port. */
    private static void restart(List<Server> servers, List<Server> ever, int i) throws BindException {
        Server again = Server.start(servers.get(i).port);
        servers.set(i, again);
        ever.add(again);
    }

    private static Set<Integer> received(List<Server> servers) {
        Set<Integer> all = new TreeSet<>();
        servers.forEach(s -> all.addAll(s.allReceived));
        return all;
    }

    /** A session server on a loop of its own, keeping every number it received, per session. */
    private static final class Server {
        final int port;
        final EventLoop loop;
        final List<Integer> received = new CopyOnWriteArrayList<>(); // this run's, all sessions
        final List<List<Integer>> sessions = new CopyOnWriteArrayList<>();
        final List<Integer> allReceived = new CopyOnWriteArrayList<>();

        private Server(EventLoop loop, AcceptSocket acceptor) {
            this.loop = loop;
            this.port = acceptor.port();
            Thread taker = new Thread(() -> {
                ClientSocket session;
                while ((session = acceptor.accept(Duration.ofSeconds(60))) != null) {
                    ClientSocket taken = session;
                    List<Integer> numbers = new CopyOnWriteArrayList<>();
                    sessions.add(numbers);
                    Thread reader = new Thread(() -> read(taken, numbers), "failover-reader-" + port);
                    reader.setDaemon(true);
                    reader.start();
                }
            }, "failover-acceptor-" + port);
            taker.setDaemon(true);
            taker.start();
        }

        static Server start(int port) throws BindException {
            EventLoop loop = Tcp.eventLoop();
            AcceptOptions options = Sockets.fastServer().session(true).build();
            return new Server(loop, Tcp.accept(loop, Sockets.HOST, port, options));
        }

        private void read(ClientSocket session, List<Integer> numbers) {
            Event event;
            while ((event = session.read(Duration.ofSeconds(60))) != null && event.kind() != Event.Kind.CLOSED) {
                if (event.isMessage()) {
                    int n = ByteBuffer.wrap(event.payload()).getInt();
                    numbers.add(n);
                    received.add(n);
                    allReceived.add(n);
                }
            }
        }

        /** Each session got its numbers in order, each once: duplicates only across sessions, as documented. */
        void assertInOrderPerSession() {
            for (List<Integer> numbers : sessions) {
                for (int i = 1; i < numbers.size(); i++) {
                    assertTrue(numbers.get(i) > numbers.get(i - 1), "in order within a session: " + numbers);
                }
            }
        }

        void stop() {
            loop.close();
        }
    }
}
