/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

/**
 * The two channels of one connection, as {@code connect} returns them and accept-chan yields
 * them. Both are real core.async channels, shared freely with Clojure code.
 *
 * <h3>Threading</h3>
 * Immutable.
 *
 * @param readChan  yields {@code :connected}, {@code byte[]} payloads, {@code :disconnected}
 *                  (clients only) and finally {@code :closed}, after which it is closed
 * @param writeChan takes {@code byte[]} payloads; closing it closes the connection
 */
public record ClientSocket(Object readChan, Object writeChan) {
}
