/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
/**
 * The bridge to core.async: {@link net.async.tcp.impl.chan.Chans} calls its functions, the
 * {@link net.async.tcp.impl.chan.Inbox} feeds read-chan with {@code put!} and backpressure, the
 * {@link net.async.tcp.impl.chan.Outbox} takes from write-chan and writes to the link while it is
 * writable, keeping what it sent as its {@link net.async.tcp.impl.chan.Retention} says.
 *
 * <p>Threading: inbox and outbox are confined to their connection's event loop; core.async's
 * callbacks, which run on its own threads, hop onto it. Nothing here blocks.
 *
 * <p>Uses: {@code wire} (frame sizes), {@code stats}, the root {@code impl} package.
 */
package net.async.tcp.impl.chan;
