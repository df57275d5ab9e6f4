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
