/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.cli;

import java.nio.file.Path;

/**
 * A {@code [HOST:]PORT} or {@code unix:PATH} argument of the command.
 *
 * <h2>Threading</h2>
 * Immutable.
 *
 * @param host the host, or {@code null} when only a port was given, or for a Unix socket
 * @param port 0..65535; 0 for a Unix socket
 * @param path a Unix domain socket's file, or {@code null} for TCP
 */
record Endpoint(String host, int port, Path path) {
    private static final String UNIX = "unix:";

    static Endpoint parse(String text, boolean hostRequired) {
        if (text.startsWith(UNIX)) {
            if (text.length() == UNIX.length()) {
                throw new UsageException("expected unix:PATH, got '" + text + "'");
            }
            return new Endpoint(null, 0, Path.of(text.substring(UNIX.length())));
        }
        int colon = text.lastIndexOf(':');
        String host = colon < 0 ? null : text.substring(0, colon);
        if (host != null && host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1); // [::1]:9988
        }
        if (hostRequired && (host == null || host.isEmpty())) {
            throw new UsageException("expected HOST:PORT, got '" + text + "'");
        }
        String port = text.substring(colon + 1);
        try {
            int value = Integer.parseInt(port);
            if (value < 0 || value > 0xFFFF) {
                throw new NumberFormatException();
            }
            return new Endpoint(host == null || host.isEmpty() ? null : host, value, null);
        } catch (NumberFormatException e) {
            throw new UsageException("bad port '" + port + "': expected a number in 0..65535");
        }
    }

    boolean isUnix() {
        return path != null;
    }

    @Override
    public String toString() {
        return isUnix() ? UNIX + path : (host == null ? "*" : host) + ":" + port;
    }
}
