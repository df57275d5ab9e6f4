/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.loop;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.resolver.InetSocketAddressResolver;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Looks host names up with the JVM's resolver (so {@code /etc/hosts} and the system's settings
 * apply, as for any Java program) but on a small pool of its own: a slow DNS server must not
 * stall the event loop and every connection on it, as Netty's default resolver would.
 *
 * <h2>Threading</h2>
 * Lookups run on {@code net-async-dns-N} daemon threads, which end after a second idle; the
 * promises complete there and notify their listeners on the channel's event loop.
 */
public final class OffLoopResolver extends InetNameResolver {
    public static final AddressResolverGroup<InetSocketAddress> GROUP = new AddressResolverGroup<>() {
        @Override
        protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
            return new InetSocketAddressResolver(executor, new OffLoopResolver(executor));
        }
    };

    private static final ExecutorService LOOKUPS = new ThreadPoolExecutor(0, 64, 1, TimeUnit.SECONDS,
            new SynchronousQueue<>(), new DefaultThreadFactory("net-async-dns", true),
            new ThreadPoolExecutor.CallerRunsPolicy());

    private OffLoopResolver(EventExecutor executor) {
        super(executor);
    }

    @Override
    protected void doResolve(String host, Promise<InetAddress> promise) {
        lookUp(promise, () -> InetAddress.getByName(host));
    }

    @Override
    protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
        lookUp(promise, () -> Arrays.asList(InetAddress.getAllByName(host)));
    }

    private <T> void lookUp(Promise<T> promise, Callable<T> lookup) {
        LOOKUPS.execute(() -> {
            T result;
            try {
                result = lookup.call();
            } catch (Exception e) {
                complete(promise, null, e);
                return;
            }
            complete(promise, result, null);
        });
    }

    private <T> void complete(Promise<T> promise, T result, Exception failure) {
        if (executor().isShuttingDown()) {
            return; // the dial's loop has shut down: a listener notification would be refused, with an ERROR
        }
        if (failure == null) {
            promise.trySuccess(result);
        } else {
            promise.tryFailure(failure);
        }
    }
}
