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

    private static void assertRejected(String option, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(option), e.getMessage());
    }
}
