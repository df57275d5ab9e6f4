/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
/**
 * What a user can watch: each connection's counters, the totals of those that ended, an
 * acceptor's counts, why a link ended, and the collector that sums them into a
 * {@link net.async.tcp.Stats} snapshot.
 *
 * <p>Threading: counters are confined to their connection's event loop; the collector reads
 * each loop's on that loop, from a user's thread, and blocks.
 *
 * <p>Uses: the root {@code impl} package only.
 */
package net.async.tcp.impl.stats;
