/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.async.tcp.AcceptSocket;
import net.async.tcp.Chan;
import net.async.tcp.ClientSocket;
import net.async.tcp.EventLoop;
import net.async.tcp.Sockets;
import net.async.tcp.Tcp;
import org.junit.jupiter.api.Test;

/** The meters show what {@code stats} shows, over real sockets, under the names and tags documented. */
class NetAsyncMetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void metersFollowTheTrafficOfALoopAnAcceptorAndAConnection() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (EventLoop loop = Tcp.eventLoop()) {
            AcceptSocket server = Sockets.listen(loop);
            ClientSocket client = Sockets.connect(loop, server.port());
            ClientSocket accepted = server.accept(WAIT);
            NetAsyncMetrics.of(loop, "all").withMaxAge(Duration.ZERO).bindTo(registry);
            NetAsyncMetrics.of(server, "in").withMaxAge(Duration.ZERO).bindTo(registry);
            NetAsyncMetrics.of(client, "out").withMaxAge(Duration.ZERO).bindTo(registry);

            client.write(Chan.bytes("ten bytes!"));
            client.write(Chan.bytes("and these are twenty"));
            assertEquals(List.of(Chan.CONNECTED, "ten bytes!", "and these are twenty"), Chan.take(accepted.readChan(), 3));

            assertEquals(2.0, counter(registry, "netasync.messages.sent", "out"));
            assertEquals(30.0, counter(registry, "netasync.bytes.sent", "out"));
            assertEquals(2.0, counter(registry, "netasync.messages.received", "in"));
            assertEquals(2.0, counter(registry, "netasync.messages.received", "all"));
            assertEquals(1.0, counter(registry, "netasync.accepted", "in"));
            assertEquals(2.0, registry.get("netasync.connections").tag("name", "all").gauge().value());
            assertEquals("bytes", registry.get("netasync.bytes.sent").tag("name", "out").functionCounter().getId()
                    .getBaseUnit());

            accepted.close();
            assertEquals(List.of(Chan.CONNECTED, Chan.DISCONNECTED), Chan.take(client.readChan(), 2));
            assertEquals(1.0, registry.get("netasync.disconnects").tags("name", "out", "cause", "peer-closed")
                    .functionCounter().count());
            assertEquals(0.0, registry.get("netasync.disconnects").tags("name", "out", "cause", "reset")
                    .functionCounter().count());
            assertEquals(2.0, counter(registry, "netasync.messages.received", "in"), "an ended connection still counts");
        }
    }

    @Test
    void namesAreDottedLowercaseAndTagsAreRoleAndNameUnlessTheRemoteIsAskedFor() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (EventLoop loop = Tcp.eventLoop()) {
            AcceptSocket server = Sockets.listen(loop);
            ClientSocket client = Sockets.connect(loop, server.port());
            NetAsyncMetrics.of(client, "prices").bindTo(registry);
            NetAsyncMetrics.of(server, "orders").bindTo(registry);
            for (Meter meter : registry.getMeters()) {
                assertTrue(meter.getId().getName().matches("netasync(\\.[a-z]+)+"), meter.getId().getName());
                Set<String> keys = new TreeSet<>();
                meter.getId().getTags().forEach(tag -> keys.add(tag.getKey()));
                keys.remove("cause");
                assertEquals(Set.of("name", "role"), keys, meter.getId().toString());
            }
            assertEquals("connection", registry.get("netasync.connects").tag("name", "prices").functionCounter()
                    .getId().getTag("role"));
            assertEquals("acceptor", registry.get("netasync.accepted").functionCounter().getId().getTag("role"));
            assertTrue(registry.find("netasync.accepted").tag("name", "prices").meters().isEmpty(),
                    "a connection accepts nothing");

            ClientSocket accepted = server.accept(WAIT);
            NetAsyncMetrics.of(client, "tagged").withRemoteAddress().bindTo(registry);
            NetAsyncMetrics.of(accepted, "tagged-in").withRemoteAddress().bindTo(registry);
            assertEquals("127.0.0.1:" + server.port(), registry.get("netasync.connects").tag("name", "tagged")
                    .functionCounter().getId().getTag("remote"));
            assertTrue(registry.get("netasync.connects").tag("name", "tagged-in").functionCounter().getId()
                    .getTag("remote").startsWith("127.0.0.1:"));
            assertThrows(IllegalStateException.class, () -> NetAsyncMetrics.of(server, "x").withRemoteAddress());
        }
    }

    @Test
    void oneSnapshotServesTheMetersForMaxAgeAndCloseRemovesThem() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (EventLoop loop = Tcp.eventLoop()) {
            AcceptSocket server = Sockets.listen(loop);
            ClientSocket client = Sockets.connect(loop, server.port());
            ClientSocket accepted = server.accept(WAIT);
            NetAsyncMetrics cached = NetAsyncMetrics.of(client, "cached").withMaxAge(Duration.ofHours(1));
            cached.bindTo(registry);
            assertEquals(0.0, counter(registry, "netasync.messages.sent", "cached"));
            client.write(Chan.bytes("one"));
            assertEquals(List.of(Chan.CONNECTED, "one"), Chan.take(accepted.readChan(), 2));
            assertEquals(0.0, counter(registry, "netasync.messages.sent", "cached"), "the hour-old snapshot");
            assertEquals(1, client.stats().messagesOut());

            int before = registry.getMeters().size();
            cached.close();
            assertEquals(before - 21, registry.getMeters().size(), "its twenty-one meters removed");
            assertTrue(registry.find("netasync.messages.sent").tag("name", "cached").meters().isEmpty());
        }
    }

    @Test
    void theClojureMapsAreHandlesToo() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (EventLoop loop = Tcp.eventLoop()) {
            AcceptSocket server = Sockets.listen(loop);
            ClientSocket client = Sockets.connect(loop, server.port());
            NetAsyncMetrics.of(client.toMap(), "from-map").bindTo(registry);
            assertEquals("connection", registry.get("netasync.connects").functionCounter().getId().getTag("role"));
            assertThrows(IllegalArgumentException.class, () -> NetAsyncMetrics.of(java.util.Map.of(), "none"));
        }
    }

    private static double counter(MeterRegistry registry, String name, String tagName) {
        return registry.get(name).tag("name", tagName).functionCounter().count();
    }
}
