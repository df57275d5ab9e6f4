/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

/**
 * Where a step of the suite reports progress: {@link Bench}'s numbered lines on stderr.
 *
 * <h3>Threading</h3>
 * Called from the thread that runs the step.
 */
interface Progress {
    void line(String format, Object... args);
}
