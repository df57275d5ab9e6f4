/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
/**
 * One logical connection and its links: the {@link net.async.tcp.impl.link.Connection}'s state
 * machine, the {@link net.async.tcp.impl.link.LinkMode} that says what the frames mean (plain
 * here, sessions in {@code session}), the {@link net.async.tcp.impl.link.LinkSource} that says
 * where links come from (a client's redialing, an acceptor's), the Netty pipeline and handlers
 * (heartbeats, the link's own), dialing with its plan and backoff, TLS, and the settings.
 *
 * <p>Threading: a connection and everything of it is confined to its event loop; methods named
 * {@code …OnLoop} assert it. The dialer resolves names off the loop and comes back to it.
 *
 * <p>Uses: {@code loop}, {@code chan}, {@code wire}, {@code stats}, the root {@code impl} package.
 */
package net.async.tcp.impl.link;
