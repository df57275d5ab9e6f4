/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl;

/**
 * Argument checks that name the option at fault in the words of the README.
 *
 * <h2>Threading</h2>
 * Stateless.
 */
public final class Checks {
    private Checks() {
    }

    public static long positive(long value, String option) {
        if (value <= 0) {
            throw new IllegalArgumentException(option + " must be > 0: " + value);
        }
        return value;
    }

    public static int port(int port) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port must be in 0..65535: " + port);
        }
        return port;
    }

    public static <T> T notNull(T value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        return value;
    }
}
