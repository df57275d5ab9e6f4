/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
/**
 * The server side: the {@link net.async.tcp.impl.server.Acceptor} that binds and accepts, its
 * {@link net.async.tcp.impl.server.Admission} (who gets in: max-connections, and in session mode
 * max-handshakes and max-pending-sessions), the handshake that routes a HELLO to its session,
 * and the {@link net.async.tcp.impl.server.SessionTable}, the registry of an acceptor's sessions.
 *
 * <p>Threading: the listening socket and accept-chan live on the acceptor's loop; accepted links
 * arrive on every thread of the loop, so what they share is thread-safe.
 *
 * <p>Uses: every other {@code impl} package; nothing uses it but the public package.
 */
package net.async.tcp.impl.server;
