/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Option defaults and validation: programming errors throw at call time, naming the option. */
class OptionsTest {
    @Test
    void defaultsAreTheOriginalLibrarys() {
        ConnectOptions connect = ConnectOptions.defaults();
        assertEquals(1000, connect.reconnectPeriodMillis());
        assertEquals(5000, connect.heartbeatPeriodMillis());
        assertEquals(20000, connect.heartbeatTimeoutMillis());
        assertEquals(16 * 1024 * 1024, connect.maxFrameSize());
        AcceptOptions accept = AcceptOptions.builder().heartbeatPeriodMillis(100).build();
        assertEquals(400, accept.heartbeatTimeoutMillis(), "timeout defaults to 4 x period");
    }

    @Test
    void badOptionsAreRejectedNamingTheOption() {
        assertRejected("reconnect-period", () -> ConnectOptions.builder().reconnectPeriodMillis(0).build());
        assertRejected("heartbeat-period", () -> ConnectOptions.builder().heartbeatPeriodMillis(-1).build());
        assertRejected("heartbeat-timeout", () -> AcceptOptions.builder()
                .heartbeatPeriodMillis(100).heartbeatTimeoutMillis(100).build());
        assertRejected("max-frame-size", () -> AcceptOptions.builder().maxFrameSize(0).build());
    }

    @Test
    void badAddressesAreRejectedBeforeAnyNetworkActivity() {
        try (EventLoop loop = Tcp.eventLoop()) {
            assertRejected("port", () -> Tcp.connect(loop, Sockets.HOST, 65536, ConnectOptions.defaults()));
            assertRejected("port", () -> Tcp.accept(loop, Sockets.HOST, -1, AcceptOptions.defaults()));
            assertRejected("host", () -> Tcp.connect(loop, null, 1, ConnectOptions.defaults()));
        }
    }

    @Test
    void theJavaFacadeRefusesTheSameSlipsWithTheSameData(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        try (EventLoop loop = Tcp.eventLoop()) {
            record Row(String option, String message, Executable call) {
            }
            java.nio.file.Path longPath = dir.resolve("x".repeat(120) + ".sock");
            for (Row row : java.util.List.of(
                    new Row("host", "host must be a name or an address", () -> Tcp.connect(loop, "", 1)),
                    new Row("path", "a Unix socket's path holds at most 107",
                            () -> Tcp.connect(loop, longPath, ConnectOptions.defaults())),
                    new Row("path", "is a directory, not a Unix socket",
                            () -> Tcp.accept(loop, dir, AcceptOptions.defaults())),
                    new Row("path", "path must not be empty",
                            () -> Tcp.connect(loop, java.nio.file.Path.of(""), ConnectOptions.defaults())))) {
                OptionException e = assertThrows(OptionException.class, row.call(), row.message());
                assertTrue(e.getMessage().contains(row.message()), e.getMessage());
                assertEquals(clojure.lang.Keyword.intern(row.option()),
                        e.getData().valAt(clojure.lang.Keyword.intern("option")), e.getMessage());
            }
        }
    }

    @Test
    void sessionValuesSetWithSessionModeOffAreKeptAndShared() {
        ConnectOptions client = ConnectOptions.builder().sessionExpiryMillis(5_000).sessionBufferBytes(65_536).build();
        AcceptOptions server = AcceptOptions.builder().sessionExpiryMillis(7_000).heartbeatPeriodMillis(100).build();
        assertEquals(false, client.session());
        assertEquals(5_000, client.sessionExpiryMillis(), "as set, though session mode is off");
        assertEquals(65_536, client.sessionBufferBytes());
        assertEquals(7_000, server.sessionExpiryMillis());
        assertEquals(400, server.heartbeatTimeoutMillis(), "the shared default: 4 heartbeat periods");
        SocketOptions shared = server; // one base for both: the common options read the same way
        assertEquals(100, shared.heartbeatPeriodMillis());
        assertRejected("session-expiry", () -> ConnectOptions.builder().sessionExpiryMillis(0).build());
    }

    private static void assertRejected(String option, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(option), e.getMessage());
    }
}
