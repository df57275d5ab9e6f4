/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl.chan;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.async.tcp.Chan;

/**
 * An executor that runs tasks only when the test says so; core.async callbacks queue here.
 *
 * <h2>Threading</h2>
 * Tasks are queued from any thread (core.async's) and run on the test's thread.
 */
final class ManualLoop implements Executor {
    private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    /** Runs the next task, waiting up to {@link Chan#WAIT} for one. */
    void runNext() {
        try {
            Runnable task = tasks.poll(Chan.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(task, "no callback reached the loop within " + Chan.WAIT);
            task.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    boolean isIdle() {
        return tasks.isEmpty();
    }
}
