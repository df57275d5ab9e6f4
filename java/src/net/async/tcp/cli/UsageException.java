/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.cli;

/**
 * A mistake in the command line or its environment, reported as one line and exit code 2.
 *
 * <h2>Threading</h2>
 * Immutable.
 */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message, null, false, false);
    }
}
