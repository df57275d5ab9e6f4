/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.async.tcp.AcceptSocket;
import net.async.tcp.Chan;
import net.async.tcp.ClientSocket;
import net.async.tcp.Event;
import net.async.tcp.EventLoop;
import net.async.tcp.Sockets;
import net.async.tcp.Tcp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every address a name resolves to is a candidate, IPv4 and IPv6: a name whose first address
 * refuses is dialed on its next within the same round (no failed round counted). A black-holed
 * address (a network namespace whose link is down: SYNs vanish) is given up after the connect
 * timeout and the next server taken, not a round stalled.
 */
// a child JVM and a namespace: longer than the suite's 30 s default
@org.junit.jupiter.api.Timeout(120)
class ResolvedAddressesTest {
    private static final Duration START = Duration.ofSeconds(60);

    @Test
    void aNameWithARefusingAddressIsDialedOnItsNextAddressV4AndV6(@TempDir Path dir) throws Exception {
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "127.0.0.2 multi.test\n127.0.0.3 multi.test\n127.0.0.2 dual.test\n::1 dual.test\n");
        try (ChildJvm child = ChildJvm.start(List.of(), List.of("-Djdk.net.hosts.file=" + hosts),
                ResolvedAddressesMain.class)) {
            assertTrue(child.expect(l -> l.text().startsWith("resolved multi.test"), START, "resolution").text()
                    .matches(".*/127\\.0\\.0\\.2, .*/127\\.0\\.0\\.3\\]"), "both addresses, the refusing one first");
            assertTrue(child.expect(l -> l.text().startsWith("multi.test "), START, "the v4 dial").text()
                    .matches("multi\\.test CONNECTED on .*/127\\.0\\.0\\.3:\\d+ failed-dials 0"), "the second address");
            child.expect(l -> l.text().startsWith("resolved dual.test"), START, "resolution");
            String v6 = child.expect(l -> l.text().startsWith("dual.test "), START, "the v6 dial").text();
            assertTrue(v6.matches("dual\\.test CONNECTED on .*/\\[0:0:0:0:0:0:0:1(%\\w+)?]:\\d+ failed-dials 0"), v6);
        }
    }

    @Test
    void aBlackHoledServerIsGivenUpAfterTheConnectTimeout() throws Exception {
        try (NetNs ns = NetNs.create(); EventLoop loop = Tcp.eventLoop();
             AcceptSocket server = Sockets.listen(loop)) {
            ns.darken(); // the peer's link down: a SYN to it is never answered, not even refused
            int timeout = 300;
            long started = System.nanoTime();
            ClientSocket client = Tcp.connect(loop, List.of(new InetSocketAddress(ns.nsAddress, 9),
                    new InetSocketAddress(Sockets.HOST, server.port())),
                    Sockets.fastClient().connectTimeoutMillis(timeout).build());
            assertEquals(Event.CONNECTED, client.read(Chan.WAIT));
            long millis = (System.nanoTime() - started) / 1_000_000;
            System.out.println("failover: past a black hole in " + millis + " ms (connect timeout " + timeout + " ms)");
            assertTrue(millis >= timeout, "it did wait for the black hole: " + millis + " ms");
            assertTrue(millis < timeout + 2_000, "one connect timeout, not a stalled round: " + millis + " ms");
            assertEquals(server.port(), ((InetSocketAddress) client.server()).getPort());
            assertEquals(0, client.stats().failedDials(), "the round succeeded");
            client.close();
        }
    }
}
