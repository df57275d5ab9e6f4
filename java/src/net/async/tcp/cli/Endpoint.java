/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.cli;

/**
 * A {@code [HOST:]PORT} argument of the command.
 *
 * <h2>Threading</h2>
 * Immutable.
 *
 * @param host the host, or {@code null} when only a port was given
 * @param port 0..65535
 */
record Endpoint(String host, int port) {
    static Endpoint parse(String text, boolean hostRequired) {
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
            return new Endpoint(host == null || host.isEmpty() ? null : host, value);
        } catch (NumberFormatException e) {
            throw new UsageException("bad port '" + port + "': expected a number in 0..65535");
        }
    }

    @Override
    public String toString() {
        return (host == null ? "*" : host) + ":" + port;
    }
}
