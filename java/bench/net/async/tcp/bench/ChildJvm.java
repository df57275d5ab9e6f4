/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The suite's one way to run a step in a JVM of its own: this JDK's {@code java}, the JVM flags
 * the step asks for and no other, the suite's class path, a main class of the suite and its
 * arguments. The child's stderr goes to the suite's; its stdout is the caller's to read (each
 * child prints its result as a line there), its stdin the caller's to write.
 *
 * <h3>Threading</h3>
 * Stateless; the caller owns the {@link Process} and waits for it.
 */
final class ChildJvm {
    private ChildJvm() {
    }

    /** Starts {@code main} with exactly {@code jvmFlags} (besides {@code -cp}) and {@code args}. */
    static Process start(List<String> jvmFlags, Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
