/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.fault;

/**
 * What a {@link FaultProxy} does to a link when its timer fires.
 *
 * <h3>Threading</h3>
 * Immutable.
 */
public enum Fault {
    /** Both sockets closed with {@code SO_LINGER} 0: each end gets an RST. */
    RESET,
    /** Nothing forwarded any more, both sockets left open, closes not passed on. */
    BLACKHOLE,
    /** The next chunk read either way is cut short, usually mid-frame, then both sockets close. */
    CUT
}
