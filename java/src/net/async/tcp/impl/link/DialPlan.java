/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.link;

import java.util.List;
import net.async.tcp.ConnectOptions.Failover;
import net.async.tcp.impl.Checks;
import net.async.tcp.impl.loop.Remote;

/**
 * What a client dials, in which order, and how it waits between rounds.
 *
 * <h2>Threading</h2>
 * Immutable.
 *
 * @param servers              the addresses a client may be on, at least one: each a host and port
 *                             (every address the name resolves to is tried) or a Unix socket
 * @param failover             the order of a round after the address that last worked
 * @param reconnect            how long to wait after a round in which every address failed
 * @param connectTimeoutMillis how long one address may take to answer
 */
public record DialPlan(List<Remote> servers, Failover failover, ReconnectPolicy reconnect, int connectTimeoutMillis) {
    /**
     * Validates the plan.
     *
     * @param servers              see the class comment; copied
     * @param failover             see the class comment
     * @param reconnect            see the class comment
     * @param connectTimeoutMillis see the class comment
     */
    public DialPlan {
        servers = List.copyOf(Checks.notNull(servers, "servers"));
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("connect needs at least one address to dial, got none");
        }
        Checks.notNull(failover, "failover");
        Checks.notNull(reconnect, "reconnect");
    }
}
