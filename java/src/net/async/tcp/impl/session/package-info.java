/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
/**
 * Session mode: the {@link net.async.tcp.impl.link.LinkMode} whose every link starts with a
 * handshake, whose messages are kept in a {@link net.async.tcp.impl.session.ReplayBuffer} until
 * acknowledged, and whose end is a goodbye; and the narrow views a server keeps of its sessions
 * ({@link net.async.tcp.impl.session.ServerSession}) and a session of its server's registry
 * ({@link net.async.tcp.impl.session.SessionRegistry}).
 *
 * <p>Threading: a session is confined to its connection's event loop for its whole life.
 *
 * <p>Uses: {@code link}, {@code loop}, {@code chan}, {@code wire}, {@code stats}, the root
 * {@code impl} package.
 */
package net.async.tcp.impl.session;
