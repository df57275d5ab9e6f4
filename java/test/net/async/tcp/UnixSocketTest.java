/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import static net.async.tcp.Chan.CLOSED;
import static net.async.tcp.Chan.CONNECTED;
import static net.async.tcp.Chan.DISCONNECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Unix domain sockets, on both transports: the same framing, reconnects, sessions; the socket file's life. */
class UnixSocketTest {
    @TempDir
    Path dir;

    static EventLoop loop(boolean nativeTransport) {
        return Tcp.eventLoop(EventLoopOptions.builder().nativeTransport(nativeTransport).build());
    }

    @ParameterizedTest(name = "native transport {0}")
    @ValueSource(booleans = {true, false})
    void messagesFlowBothWaysAndTheFileGoesWithTheAcceptor(boolean nativeTransport) throws Exception {
        Path socket = dir.resolve("app.sock");
        try (EventLoop loop = loop(nativeTransport)) {
            AcceptSocket server = Tcp.accept(loop, socket, Sockets.fastServer().build());
            assertEquals(socket, server.path());
            assertTrue(Files.exists(socket));
            ClientSocket client = Tcp.connect(loop, socket, Sockets.fastClient().build());
            ClientSocket accepted = Sockets.nextAccepted(server);
            Chan.put(client.writeChan(), Chan.bytes("over a unix socket"));
            assertEquals(List.of(CONNECTED, "over a unix socket"), Chan.take(accepted.readChan(), 2));
            Chan.put(accepted.writeChan(), Chan.bytes(new String(new char[100_000]).replace('\0', 'x')));
            assertEquals(CONNECTED, Chan.take(client.readChan()));
            assertEquals(100_000, ((byte[]) Chan.takeRaw(client.readChan(), Chan.WAIT)).length);
            server.close();
            assertFalse(Files.exists(socket), "closing the acceptor removes its file");
        }
    }

    @ParameterizedTest(name = "native transport {0}")
    @ValueSource(booleans = {true, false})
    void aClientStartedFirstConnectsAndComesBackAfterARestart(boolean nativeTransport) throws Exception {
        Path socket = dir.resolve("restart.sock");
        try (EventLoop clientLoop = loop(nativeTransport)) {
            ClientSocket client = Tcp.connect(clientLoop, socket, Sockets.fastClient().build());
            assertEquals(DISCONNECTED, Chan.take(client.readChan()), "no socket yet: a failed dial");
            EventLoop first = loop(nativeTransport);
            Sockets.nextAccepted(Tcp.accept(first, socket, Sockets.fastServer().build()));
            assertEquals(CONNECTED, Chan.take(client.readChan()));
            first.close();
            assertFalse(Files.exists(socket), "shutdown removes the file too");
            assertEquals(DISCONNECTED, Chan.take(client.readChan()));
            try (EventLoop second = loop(nativeTransport)) {
                ClientSocket accepted = Sockets.nextAccepted(Tcp.accept(second, socket, Sockets.fastServer().build()));
                assertEquals(CONNECTED, Chan.take(client.readChan()));
                Chan.put(client.writeChan(), Chan.bytes("again"));
                assertEquals(List.of(CONNECTED, "again"), Chan.take(accepted.readChan(), 2));
            }
        }
    }

    @ParameterizedTest(name = "native transport {0}")
    @ValueSource(booleans = {true, false})
    void sessionsWorkOverAUnixSocket(boolean nativeTransport) throws Exception {
        Path socket = dir.resolve("session.sock");
        try (EventLoop loop = loop(nativeTransport)) {
            AcceptSocket server = Tcp.accept(loop, socket, Sockets.fastServer().session(true).build());
            ClientSocket client = Tcp.connect(loop, socket, Sockets.fastClient().session(true).build());
            Chan.put(client.writeChan(), Chan.bytes("in a session"));
            ClientSocket accepted = Sockets.nextAccepted(server);
            assertEquals(List.of(CONNECTED, "in a session"), Chan.take(accepted.readChan(), 2));
            client.close();
            assertEquals(CLOSED, Chan.take(accepted.readChan()));
        }
    }

    @ParameterizedTest(name = "native transport {0}")
    @ValueSource(booleans = {true, false})
    void aLeftoverFileOfADeadListenerIsReplacedAndALiveOneIsNot(boolean nativeTransport) throws Exception {
        Path socket = dir.resolve("stale.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        } // closed without removing its file, as a killed process leaves it
        assertTrue(Files.exists(socket));
        try (EventLoop loop = loop(nativeTransport)) {
            AcceptSocket server = Tcp.accept(loop, socket, Sockets.fastServer().build());
            ClientSocket client = Tcp.connect(loop, socket, Sockets.fastClient().build());
            assertEquals(CONNECTED, Chan.take(client.readChan()), "the new acceptor took over the path");
            BindException inUse = assertThrows(BindException.class,
                    () -> Tcp.accept(loop, socket, Sockets.fastServer().build()));
            assertTrue(inUse.getMessage().contains(socket.toString()), inUse.getMessage());
            assertTrue(inUse.getMessage().contains("in use"), inUse.getMessage());
            Sockets.nextAccepted(server);
        }
    }

    @ParameterizedTest(name = "native transport {0}")
    @ValueSource(booleans = {true, false})
    void aPathThatCannotBeBoundThrowsNamingIt(boolean nativeTransport) throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-socket"), "precious");
        Path nowhere = dir.resolve("no/such/dir/app.sock");
        try (EventLoop loop = loop(nativeTransport)) {
            BindException notSocket = assertThrows(BindException.class,
                    () -> Tcp.accept(loop, file, AcceptOptions.defaults()));
            assertTrue(notSocket.getMessage().contains(file.toString()), notSocket.getMessage());
            assertEquals("precious", Files.readString(file), "a file that is not a socket is left alone");
            BindException noDir = assertThrows(BindException.class,
                    () -> Tcp.accept(loop, nowhere, AcceptOptions.defaults()));
            assertTrue(noDir.getMessage().contains(nowhere.toString()), noDir.getMessage());
            ClientSocket hopeful = Tcp.connect(loop, nowhere, Sockets.fastClient().build());
            assertEquals(DISCONNECTED, Chan.take(hopeful.readChan()), "a client of it fails its dials, no more");
            Chan.assertNothingFor(hopeful.readChan(), Duration.ofMillis(200));
        }
    }
}
