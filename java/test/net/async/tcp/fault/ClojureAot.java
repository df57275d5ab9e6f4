/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child JVMs start in about a second instead of ten: core.async ships as source, and compiling it
 * on every start costs each child ~8 s of CPU. The first child of a build compiles it once, in a
 * JVM of its own, into {@code target/fault-aot-<hash of the classpath>}; every child then puts that
 * directory first on its classpath, where Clojure prefers the classes to the sources.
 *
 * <h3>Threading</h3>
 * {@link #dir()} is synchronized; tests in one JVM share the result.
 */
final class ClojureAot {
    private static final long COMPILE_TIMEOUT_SECONDS = 180;
    private static Path compiled;

    private ClojureAot() {
    }

    /** The directory of compiled core.async classes, compiling it if this build has none yet. */
    static synchronized Path dir() {
        if (compiled != null) {
            return compiled;
        }
        String classpath = System.getProperty("java.class.path");
        Path target = Path.of("target", "fault-aot-" + Integer.toHexString(classpath.hashCode())).toAbsolutePath();
        if (!Files.isDirectory(target)) {
            compileInto(target, classpath);
        }
        compiled = target;
        return compiled;
    }

    private static void compileInto(Path target, String classpath) {
        try {
            Files.createDirectories(target.getParent());
            Path scratch = Files.createTempDirectory(target.getParent(), target.getFileName() + ".tmp");
            String form = "(binding [*compile-path* \"" + scratch.toString().replace("\\", "/") + "\"]"
                    + " (compile 'clojure.core.async))";
            Process javac = new ProcessBuilder(List.of(ChildJvm.java(), "-cp", scratch + java.io.File.pathSeparator
                    + classpath, "-XX:TieredStopAtLevel=1", "clojure.main", "-e", form))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!javac.waitFor(COMPILE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                javac.destroyForcibly();
                throw new IllegalStateException("compiling core.async took over " + COMPILE_TIMEOUT_SECONDS + " s");
            }
            if (javac.exitValue() != 0) {
                throw new IllegalStateException("compiling core.async failed, exit " + javac.exitValue());
            }
            try {
                Files.move(scratch, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                // another build of this worktree got there first; its classes are as good
                if (!Files.isDirectory(target)) {
                    throw raced;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compile core.async for the child JVMs", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted compiling core.async", e);
        }
    }
}
