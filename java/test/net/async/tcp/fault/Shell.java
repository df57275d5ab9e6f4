/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a system command with a timeout and returns what it printed. */
final class Shell {
    private static final long TIMEOUT_SECONDS = 10;

    private Shell() {
    }

    /** Runs {@code command}; throws {@code IllegalStateException} with its output if it fails or hangs. */
    static String run(String... command) {
        Result result = tryRun(command);
        if (result.exitCode != 0) {
            throw new IllegalStateException("`" + String.join(" ", command) + "` failed (exit "
                    + result.exitCode + "): " + result.output.strip());
        }
        return result.output;
    }

    /** Runs {@code command}; a non-zero exit is returned, not thrown (a timeout still throws). */
    static Result tryRun(String... command) {
        try {
            Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            process.getOutputStream().close();
            // the output is small; it fits the pipe, so reading after the exit cannot deadlock
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("`" + String.join(" ", command) + "` hung for "
                        + TIMEOUT_SECONDS + " s");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run `" + String.join(" ", command) + "`", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running `" + String.join(" ", command) + "`", e);
        }
    }

    record Result(int exitCode, String output) {
    }
}
