/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

/**
 * A listening socket, as {@code accept} returns it.
 *
 * <h3>Threading</h3>
 * Immutable.
 *
 * @param acceptChan yields one {@code {:read-chan <chan> :write-chan <chan>}} map per accepted
 *                   connection; closing it stops accepting and frees the port
 * @param port       the bound port, useful after binding port 0
 */
public record AcceptSocket(Object acceptChan, int port) {
}
