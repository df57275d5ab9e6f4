/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The layout of {@code impl}, checked on the compiled classes with jdeps: each package uses only
 * those below it in {@link #LAYERS} (see {@code package-info.java}), so no two depend on each
 * other and nothing loops.
 *
 * <h2>Threading</h2>
 * Runs jdeps on the test's thread.
 */
class PackageLayersTest {
    private static final String IMPL = "net.async.tcp.impl";
    /** Top to bottom: each may use the ones after it. */
    private static final List<String> LAYERS = List.of(
            IMPL + ".server", IMPL + ".session", IMPL + ".link", IMPL + ".loop", IMPL + ".chan", IMPL + ".wire",
            IMPL + ".stats", IMPL);

    @Test
    void eachImplPackageUsesOnlyThoseBelowIt() {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int exit = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:package", "-filter:none",
                "target/classes");
        assertEquals(0, exit, out.toString());
        List<String> upward = new ArrayList<>();
        int arrows = 0;
        for (String line : out.toString().split("\n")) {
            String[] words = line.trim().split("\\s+");
            if (words.length < 3 || !words[1].equals("->") || !LAYERS.contains(words[0]) || !LAYERS.contains(words[2])
                    || words[0].equals(words[2])) {
                continue;
            }
            arrows++;
            if (LAYERS.indexOf(words[2]) < LAYERS.indexOf(words[0])) {
                upward.add(words[0] + " -> " + words[2]);
            }
        }
        assertTrue(arrows > 10, "read the arrows between impl packages (" + arrows + "): " + out);
        assertEquals(List.of(), upward, "arrows up the layers");
    }
}
