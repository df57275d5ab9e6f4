/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import static net.async.tcp.Chan.CONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** An event loop of several threads: every connection works, the threads are named, and all of them end. */
class MultiThreadLoopTest {
    @Test
    void manyConnectionsOnAThreeThreadLoopEchoAndEveryThreadEndsAtShutdown() throws Exception {
        EventLoop loop = Tcp.eventLoop(EventLoopOptions.builder().threads(3).build());
        assertEquals(3, loop.threads());
        AcceptSocket server = Sockets.listen(loop);
        List<ClientSocket> clients = new ArrayList<>();
        List<ClientSocket> accepted = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            clients.add(Sockets.connect(loop, server.port()));
            accepted.add(Sockets.nextAccepted(server));
        }
        for (int i = 0; i < clients.size(); i++) {
            Chan.put(clients.get(i).writeChan(), Chan.bytes("client " + i));
        }
        Set<String> got = new TreeSet<>();
        for (ClientSocket peer : accepted) {
            List<Object> values = Chan.take(peer.readChan(), 2);
            assertEquals(CONNECTED, values.get(0));
            got.add((String) values.get(1));
        }
        assertEquals(12, got.size(), got.toString());
        Set<String> names = loopThreads();
        assertTrue(names.size() >= 3 && names.stream().allMatch(n -> n.matches("net-async-tcp-\\d+-[1-3]")),
                "threads named net-async-tcp-N-M: " + names);
        loop.close();
        assertEquals(Set.of(), loopThreads().stream().filter(names::contains).collect(Collectors.toSet()),
                "every thread of the loop ended");
        assertTrue(Sockets.canBind(server.port()), "the port is free");
    }

    @Test
    void threadsBelowOneAreRefusedNamingTheOption() {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> EventLoopOptions.builder().threads(0).build());
        assertEquals("threads must be >= 1: 0", bad.getMessage());
        assertEquals(Runtime.getRuntime().availableProcessors(),
                EventLoopOptions.builder().threadPerCore().build().threads());
    }

    private static Set<String> loopThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.matches("net-async-tcp-\\d+-\\d+")).collect(Collectors.toSet());
    }
}
