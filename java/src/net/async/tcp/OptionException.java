/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp;

import clojure.lang.IExceptionInfo;
import clojure.lang.IPersistentMap;
import clojure.lang.Keyword;
import clojure.lang.PersistentArrayMap;

/**
 * A bad option, address or value, refused where it was passed. It is an
 * {@link IllegalArgumentException}, as for any bad argument in Java, and carries Clojure's
 * {@code ex-data}, as an {@code ex-info} does: {@code {:option :heartbeat-period :value "100"
 * :allowed "a positive number of milliseconds"}}. The message says the same in words.
 *
 * <h2>Threading</h2>
 * Immutable.
 */
public final class OptionException extends IllegalArgumentException implements IExceptionInfo {
    private static final long serialVersionUID = 1L;

    private final transient IPersistentMap data;

    /**
     * @param message what is wrong, naming the option, the value and what is allowed
     * @param option  the option or address key at fault, as the README spells it (no colon)
     * @param value   the value given, or {@code null} for a missing one
     * @param allowed what would have been accepted, in words
     */
    public OptionException(String message, String option, Object value, String allowed) {
        super(message);
        IPersistentMap map = PersistentArrayMap.EMPTY.assoc(Keyword.intern("option"), Keyword.intern(option))
                .assoc(Keyword.intern("allowed"), allowed);
        this.data = value == null ? map : map.assoc(Keyword.intern("value"), value);
    }

    /** {@return the {@code ex-data}: {@code :option}, {@code :value} (unless missing), {@code :allowed}} */
    @Override
    public IPersistentMap getData() {
        return data;
    }
}
