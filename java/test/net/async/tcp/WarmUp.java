/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import io.netty.buffer.ByteBufAllocator;
import net.async.tcp.impl.chan.Chans;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Pays the JVM's one-time costs before any test class runs, outside every test's timeout and off
 * the event loops. Registered through {@code META-INF/services} and extension autodetection (see
 * junit-platform.properties).
 * <ul>
 * <li>clojure.core.async is compiled from source on first load: most of 20 s on a busy machine.
 * <li>Netty's first pooled chunk initialises JFR event metadata (AllocateChunkEvent): about a
 *     second, which would otherwise stall the first event loop that writes and look like a dead
 *     peer to the tests' short heartbeat timeouts.
 * </ul>
 *
 * <h3>Threading</h3>
 * JUnit's thread; class initialisation makes each cost once-only.
 */
public final class WarmUp implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        Chans.chan();
        Chan.chan();
        ByteBufAllocator.DEFAULT.ioBuffer(64).release();
    }
}
