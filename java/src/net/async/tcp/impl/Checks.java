/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.async.tcp.OptionException;

/**
 * Argument checks that name the option at fault in the words of the README.
 *
 * <h2>Threading</h2>
 * Stateless.
 */
public final class Checks {
    private Checks() {
    }

    /**
     * @param value  the value to check
     * @param option the option's name, as the README spells it
     * @return {@code value}
     * @throws IllegalArgumentException when {@code value} is not &gt; 0
     */
    public static long positive(long value, String option) {
        if (value <= 0) {
            throw new IllegalArgumentException(option + " must be > 0: " + value);
        }
        return value;
    }

    /**
     * @param value  the value to check
     * @param option the option's name, as the README spells it
     * @return {@code value}
     * @throws IllegalArgumentException when {@code value} is not &gt;= 1
     */
    public static int atLeastOne(int value, String option) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be >= 1: " + value);
        }
        return value;
    }

    /**
     * @param port the port to check
     * @return {@code port}
     * @throws IllegalArgumentException when {@code port} is not in 0..65535
     */
    public static int port(int port) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port must be in 0..65535: " + port);
        }
        return port;
    }

    /** The longest path a Unix domain socket address holds: {@code sun_path} is 108 bytes, one the terminating NUL. */
    static final int MAX_UNIX_PATH_BYTES = 107;

    /**
     * @param path a Unix domain socket's file
     * @return {@code path}
     * @throws net.async.tcp.OptionException when it is empty, too long for {@code sun_path}, or a directory
     */
    public static Path unixPath(Path path) {
        notNull(path, "path");
        int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes == 0) {
            throw new OptionException("path must not be empty", "path", path.toString(), "a file path");
        }
        if (bytes > MAX_UNIX_PATH_BYTES) {
            throw new OptionException("path " + path + " is " + bytes + " bytes: a Unix socket's path holds at most "
                    + MAX_UNIX_PATH_BYTES + " (sun_path); use a shorter or relative one", "path", path.toString(),
                    "at most " + MAX_UNIX_PATH_BYTES + " bytes");
        }
        if (Files.isDirectory(path)) {
            throw new OptionException("path " + path + " is a directory, not a Unix socket: name a file in it",
                    "path", path.toString(), "a file that is not a directory");
        }
        return path;
    }

    /**
     * @param <T>   the value's type
     * @param value the value to check
     * @param what  the argument's name
     * @return {@code value}
     * @throws IllegalArgumentException when {@code value} is {@code null}
     */
    public static <T> T notNull(T value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        return value;
    }
}
