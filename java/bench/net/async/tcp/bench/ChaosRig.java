/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.async.tcp.AcceptOptions;
import net.async.tcp.AcceptSocket;
import net.async.tcp.ClientSocket;
import net.async.tcp.ConnectOptions;
import net.async.tcp.EventLoop;
import net.async.tcp.EventLoopOptions;
import net.async.tcp.Tcp;
import net.async.tcp.fault.Fault;
import net.async.tcp.fault.FaultProxy;
import net.async.tcp.fault.Plan;
import net.async.tcp.impl.chan.Chans;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * What both chaos steps stand on: one session server ({@link EchoAcceptor}) on a loop of its own,
 * clients on another loop, each client on a proxy port of its own so that every fault is told to
 * the client whose link it struck ({@link EchoClient#cut}). Ports are spread over a few
 * {@link FaultProxy} threads; a port whose client has closed is given to the next client.
 *
 * <h3>Threading</h3>
 * Built, grown and closed by the step's thread; the port map is concurrent, read by the proxies' threads.
 */
final class ChaosRig implements AutoCloseable {
    /** The knobs, fixed for a run. */
    record Settings(int loopThreads, long heartbeatMillis, long heartbeatTimeoutMillis, long reconnectMillis,
                    long reconnectMaxMillis, int chanSlots, int bufferBytes, int window, Payloads payloads,
                    long faultMinMillis, long faultMaxMillis, int proxies, long acceptPauseMillis) {
    }

    final Settings settings;
    final Tally tally = new Tally();
    final Recoveries recoveries = new Recoveries();
    final Histogram outages = new SynchronizedHistogram(600_000_000L, 3); // :disconnected → next message, µs
    final EventLoop serverLoop;
    final EventLoop clientLoop;
    final AcceptSocket server;
    final EchoAcceptor acceptor;
    final List<FaultProxy> proxies = new ArrayList<>();
    private final Map<Integer, EchoClient> byPort = new ConcurrentHashMap<>();
    private final List<Integer> freePorts = new ArrayList<>();
    private final Map<Integer, Integer> portOf = new ConcurrentHashMap<>(); // client id → its port
    private int nextProxy;

    ChaosRig(Settings settings, long seed) throws Exception {
        this.settings = settings;
        EventLoopOptions loops = EventLoopOptions.builder().threads(settings.loopThreads()).build();
        serverLoop = Tcp.eventLoop(loops);
        clientLoop = Tcp.eventLoop(loops);
        server = Tcp.accept(serverLoop, "127.0.0.1", 0, AcceptOptions.builder()
                .heartbeatPeriodMillis(settings.heartbeatMillis()).heartbeatTimeoutMillis(settings.heartbeatTimeoutMillis())
                .readChanFactory(() -> Chans.chan(settings.chanSlots()))
                .writeChanFactory(() -> Chans.chan(settings.chanSlots()))
                .session(true).sessionBufferBytes(settings.bufferBytes()).build());
        acceptor = new EchoAcceptor(server, settings.payloads(), tally, settings.acceptPauseMillis());
        for (int i = 0; i < settings.proxies(); i++) {
            FaultProxy proxy = FaultProxy.start(server.port(), Plan.of(settings.faultMinMillis(),
                    settings.faultMaxMillis(), seed + i, Fault.RESET, Fault.BLACKHOLE));
            proxy.onFault((port, kind) -> {
                EchoClient client = byPort.get(port);
                if (client != null) {
                    client.cut(kind);
                }
            });
            proxies.add(proxy);
            freePorts.add(proxy.port());
        }
    }

    /** A new client, streaming at once. */
    EchoClient connect(int id, boolean paced) {
        int port = freePorts.isEmpty() ? proxies.get(nextProxy++ % proxies.size()).listen() : freePorts.remove(0);
        Settings s = settings;
        ClientSocket socket = Tcp.connect(clientLoop, "127.0.0.1", port, ConnectOptions.builder()
                .heartbeatPeriodMillis(s.heartbeatMillis()).heartbeatTimeoutMillis(s.heartbeatTimeoutMillis())
                .reconnectPeriodMillis(s.reconnectMillis()).reconnectMaxPeriodMillis(s.reconnectMaxMillis())
                .reconnectJitter(0.5).connectTimeoutMillis(2000)
                .readChan(Chans.chan(s.chanSlots())).writeChan(Chans.chan(s.chanSlots()))
                .session(true).sessionBufferBytes(s.bufferBytes()).build());
        EchoClient client = new EchoClient(id, socket, s.payloads(), s.window(), paced, tally, recoveries, outages);
        byPort.put(port, client);
        portOf.put(id, port);
        client.start();
        return client;
    }

    /** {@code client} has closed: its port goes to the next client. */
    void release(EchoClient client) {
        Integer port = portOf.remove(client.id());
        if (port != null && byPort.remove(port, client)) {
            freePorts.add(port);
        }
    }

    void faultsEnabled(boolean on) {
        proxies.forEach(p -> p.faultsEnabled(on));
    }

    long faults() {
        return proxies.stream().mapToLong(FaultProxy::faults).sum();
    }

    long faults(Fault kind) {
        return proxies.stream().mapToLong(p -> p.faults(kind)).sum();
    }

    long faultsWithinFirst(long bytes) {
        return proxies.stream().mapToLong(p -> p.faultsWithinFirst(bytes)).sum();
    }

    long links() {
        return proxies.stream().mapToLong(FaultProxy::links).sum();
    }

    @Override
    public void close() throws Exception {
        acceptor.close();
        clientLoop.close();
        proxies.forEach(FaultProxy::close);
        serverLoop.close();
    }
}
