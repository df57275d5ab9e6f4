/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Moves a core.async callback onto the event loop that owns the state it touches.
 *
 * <h2>Threading</h2>
 * Stateless; called from core.async callback threads.
 */
public final class Hop {
    private Hop() {
    }

    /**
     * Always hops, even when already on the loop: a callback that core.async runs synchronously
     * inside our own call must not re-enter the state machine half way through a step.
     * Once the loop has terminated nothing else touches the state, so the task runs here.
     */
    public static void onto(Executor loop, Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException terminated) {
            task.run();
        }
    }
}
