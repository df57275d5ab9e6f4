/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
/**
 * The event loop: the {@link net.async.tcp.impl.loop.Reactor}'s threads and the registry of what
 * lives on them, the Netty transports (NIO, epoll, Unix sockets), the addresses a client dials
 * or a server binds, and name resolution off the loop.
 *
 * <p>Threading: the reactor's registries are concurrent, each member added and removed on its
 * own thread; shutdown may come from any thread.
 *
 * <p>Uses: {@code stats}, the root {@code impl} package.
 */
package net.async.tcp.impl.loop;
