/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS over loopback with certificates made at test time. Handshake failures here log a warning, as expected. */
class TlsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static TestCertificates certificates;

    @BeforeAll
    static void makeCertificates(@TempDir Path dir) throws Exception {
        certificates = new TestCertificates(dir);
        certificates.create("server", "CN=localhost", "dns:localhost,ip:127.0.0.1");
        certificates.create("impostor", "CN=other.example", "dns:other.example");
        certificates.create("client", "CN=net-async-test-client", "dns:client.test");
    }

    @Test
    void mutualTlsCarriesMessagesAndGivesTheServerTheClientsIdentity() throws Exception {
        AcceptOptions serverTls = AcceptOptions.builder().sslContext(certificates.server("server", "client")).build();
        ConnectOptions clientTls = ConnectOptions.builder().sslContext(certificates.client("client", "server")).build();
        try (EventLoop loop = Tcp.eventLoop(); AcceptSocket server = Tcp.accept(loop, "127.0.0.1", 0, serverTls)) {
            ClientSocket client = Tcp.connect(loop, "localhost", server.port(), clientTls);
            ClientSocket peer = server.accept(WAIT);
            assertNotNull(peer);
            assertEquals("CN=net-async-test-client", peer.peerPrincipal().getName());
            assertEquals(Event.CONNECTED, client.read(WAIT));
            assertEquals(Event.CONNECTED, peer.read(WAIT));
            client.write("secret".getBytes(UTF_8));
            assertEquals("secret", new String(peer.read(WAIT).payload(), UTF_8));
            peer.write("reply".getBytes(UTF_8));
            assertEquals("reply", new String(client.read(WAIT).payload(), UTF_8));
        }
    }

    @Test
    void mutualTlsWorksOverAUnixSocketWhereThereIsNoHostNameToCheck(@TempDir Path dir) throws Exception {
        AcceptOptions serverTls = AcceptOptions.builder().sslContext(certificates.server("server", "client")).build();
        ConnectOptions clientTls = ConnectOptions.builder().sslContext(certificates.client("client", "server")).build();
        Path socket = dir.resolve("tls.sock");
        try (EventLoop loop = Tcp.eventLoop(); AcceptSocket server = Tcp.accept(loop, socket, serverTls)) {
            ClientSocket client = Tcp.connect(loop, socket, clientTls);
            ClientSocket peer = server.accept(WAIT);
            assertNotNull(peer);
            assertEquals("CN=net-async-test-client", peer.peerPrincipal().getName());
            client.write("secret".getBytes(UTF_8));
            assertEquals(Event.CONNECTED, peer.read(WAIT));
            assertEquals("secret", new String(peer.read(WAIT).payload(), UTF_8));
        }
    }

    @Test
    void clientRefusesAServerWhoseCertificateNamesAnotherHost() throws Exception {
        AcceptOptions impostor = AcceptOptions.builder().sslContext(certificates.server("impostor")).build();
        ConnectOptions trustsImpostor = ConnectOptions.builder().reconnectPeriodMillis(100)
                .sslContext(certificates.client(null, "impostor")).build();
        try (EventLoop loop = Tcp.eventLoop(); AcceptSocket server = Tcp.accept(loop, "127.0.0.1", 0, impostor)) {
            ClientSocket client = Tcp.connect(loop, "localhost", server.port(), trustsImpostor);
            assertEquals(Event.DISCONNECTED, client.read(WAIT), "hostname verification fails the handshake");
            assertNull(client.read(Duration.ofMillis(500)), "retries fail quietly: no second DISCONNECTED");
            assertNull(server.accept(Duration.ofMillis(10)), "a link that never completed TLS is never announced");
        }
    }

    @Test
    void serverRequiringClientCertificatesDropsAnAnonymousClient() throws Exception {
        AcceptOptions mutual = AcceptOptions.builder().sslContext(certificates.server("server", "client")).build();
        ConnectOptions anonymous = ConnectOptions.builder().reconnectPeriodMillis(100)
                .sslContext(certificates.client(null, "server")).build();
        try (EventLoop loop = Tcp.eventLoop(); AcceptSocket server = Tcp.accept(loop, "127.0.0.1", 0, mutual)) {
            ClientSocket client = Tcp.connect(loop, "localhost", server.port(), anonymous);
            Event first = client.read(WAIT);
            // TLS 1.3 lets the client finish before the server checks it, so it may see CONNECTED first
            if (Event.CONNECTED.equals(first)) {
                first = client.read(WAIT);
            }
            assertEquals(Event.DISCONNECTED, first);
            assertNull(server.accept(Duration.ofMillis(200)), "the anonymous client is never announced");
        }
    }

    @Test
    void acceptorBeyondMaxConnectionsClosesNewcomersAndCountsThem() throws Exception {
        AcceptOptions two = AcceptOptions.builder().maxConnections(2).build();
        ConnectOptions quick = ConnectOptions.builder().reconnectPeriodMillis(50).build();
        try (EventLoop loop = Tcp.eventLoop(); AcceptSocket server = Tcp.accept(loop, "127.0.0.1", 0, two)) {
            ClientSocket first = Tcp.connect(loop, "127.0.0.1", server.port(), quick);
            ClientSocket firstPeer = server.accept(WAIT);
            Tcp.connect(loop, "127.0.0.1", server.port(), quick);
            assertNotNull(server.accept(WAIT));
            ClientSocket third = Tcp.connect(loop, "127.0.0.1", server.port(), quick);
            assertEquals(Event.CONNECTED, third.read(WAIT), "TCP connects before the server refuses it");
            assertEquals(Event.DISCONNECTED, third.read(WAIT));
            assertTrue(server.rejectedConnections() >= 1);

            first.close();
            assertEquals(Event.CONNECTED, firstPeer.read(WAIT));
            assertEquals(Event.CLOSED, firstPeer.read(WAIT));
            assertNotNull(server.accept(WAIT), "a freed slot lets the redialing third client in");
            assertEquals(Event.CONNECTED, third.read(WAIT));
        }
    }
}
