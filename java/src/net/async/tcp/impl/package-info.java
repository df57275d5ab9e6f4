/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
/**
 * The Netty core behind {@link net.async.tcp.Tcp}; not an API, may change in any release.
 *
 * <p>Split by concept, each package using only those listed below it (and, from the public
 * package, only its value types: {@code Stats}, {@code ConnectOptions.Failover},
 * {@code OptionException}); no cycle between them:
 *
 * <pre>
 *   server    accepting, and who gets in; the registry of a server's sessions
 *   session   the session protocol: handshakes, acks, resumes, goodbyes
 *   link      one logical connection, its state machine, its links and their pipeline
 *   loop      the event-loop threads, transports and addresses
 *   chan      core.async: read-chan fed, write-chan drained
 *   wire      framing: lengths, heartbeats, control frames
 *   stats     counters and their snapshots
 *   (here)    what all share: option checks, a log throttle, the hop onto a loop, the Clojure
 *             options reader; stateless, or guarding their own state
 * </pre>
 */
package net.async.tcp.impl;
