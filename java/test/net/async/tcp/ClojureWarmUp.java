/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import net.async.tcp.impl.Chans;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Loads clojure.core.async before any test class runs, outside every test's timeout: the first
 * load compiles it from source, which takes most of 20 s on a busy two-core machine. Registered
 * through {@code META-INF/services} and extension autodetection (see junit-platform.properties).
 *
 * <h3>Threading</h3>
 * JUnit's thread; class initialisation makes it once-only.
 */
public final class ClojureWarmUp implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        Chans.chan();
        Chan.chan();
    }
}
