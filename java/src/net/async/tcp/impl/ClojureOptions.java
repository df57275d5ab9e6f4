/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.impl;

import clojure.lang.IFn;
import clojure.lang.Keyword;
import clojure.lang.RT;
import io.netty.handler.ssl.SslContext;
import java.io.File;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import net.async.tcp.OptionException;

/**
 * The door of the Clojure API: the options of {@code event-loop}, {@code connect} and
 * {@code accept}, and their addresses, checked where they are passed, before any of them is
 * used. Every refusal is an {@link OptionException} (an {@code IllegalArgumentException} with
 * {@code ex-data}) naming the option, the value and what is allowed; an unknown key is named
 * with the nearest known one. The Java builders check ranges; this adds what a map can get
 * wrong and a builder's types cannot: unknown keys, wrong types, addresses.
 *
 * <h2>Threading</h2>
 * Stateless; the tables are immutable.
 */
public final class ClojureOptions {
    /** What an option's value must be. */
    private enum Kind {
        MILLIS("a positive number of milliseconds", v -> v instanceof Number n && isWhole(n) && n.doubleValue() > 0),
        COUNT("a positive whole number", v -> v instanceof Number n && isWhole(n) && n.doubleValue() > 0
                && n.doubleValue() <= Integer.MAX_VALUE),
        BYTES("a positive number of bytes", v -> v instanceof Number n && isWhole(n) && n.doubleValue() > 0),
        FRACTION("a number from 0 to 1", v -> v instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() <= 1),
        BOOLEAN("true or false", v -> v instanceof Boolean),
        CHAN("a core.async channel", ClojureOptions::isChannel),
        FN("a function of no arguments that makes a channel", v -> v instanceof IFn),
        SSL_CONTEXT("an io.netty.handler.ssl.SslContext", v -> v instanceof SslContext),
        FAILOVER(":in-order or :random", v -> v == keyword("in-order") || v == keyword("random")),
        THREADS("a positive whole number or :cores", v -> v == keyword("cores")
                || v instanceof Number n && isWhole(n) && n.doubleValue() > 0 && n.doubleValue() <= 4096);

        final String allowed;
        final Predicate<Object> accepts;

        Kind(String allowed, Predicate<Object> accepts) {
            this.allowed = allowed;
            this.accepts = accepts;
        }
    }

    private static final Map<String, Kind> EVENT_LOOP = table("threads", Kind.THREADS);
    private static final Map<String, Kind> CONNECT = table(
            "read-chan", Kind.CHAN, "write-chan", Kind.CHAN, "reconnect-period", Kind.MILLIS,
            "reconnect-max-period", Kind.MILLIS, "reconnect-jitter", Kind.FRACTION, "connect-timeout", Kind.MILLIS,
            "heartbeat-period", Kind.MILLIS, "heartbeat-timeout", Kind.MILLIS, "max-frame-size", Kind.BYTES,
            "ssl-context", Kind.SSL_CONTEXT, "session", Kind.BOOLEAN, "session-expiry", Kind.MILLIS,
            "session-buffer", Kind.BYTES, "failover", Kind.FAILOVER);
    private static final Map<String, Kind> ACCEPT = table(
            "accept-chan", Kind.CHAN, "read-chan-fn", Kind.FN, "write-chan-fn", Kind.FN,
            "heartbeat-period", Kind.MILLIS, "heartbeat-timeout", Kind.MILLIS, "max-frame-size", Kind.BYTES,
            "ssl-context", Kind.SSL_CONTEXT, "max-connections", Kind.COUNT, "session", Kind.BOOLEAN,
            "session-expiry", Kind.MILLIS, "session-buffer", Kind.BYTES, "max-detached-sessions", Kind.COUNT,
            "max-detached-bytes", Kind.BYTES, "max-handshakes", Kind.COUNT, "max-pending-sessions", Kind.COUNT);
    private static final Map<String, Map<String, Kind>> BY_FUNCTION =
            Map.of("event-loop", EVENT_LOOP, "connect", CONNECT, "accept", ACCEPT);

    private ClojureOptions() {
    }

    /**
     * Checks the options of one call.
     *
     * @param function {@code "event-loop"}, {@code "connect"} or {@code "accept"}
     * @param options  the keyword arguments or trailing map, or {@code null} for none
     * @throws OptionException for an unknown key or a value of the wrong kind
     */
    public static void check(String function, Map<?, ?> options) {
        if (options == null) {
            return;
        }
        Map<String, Kind> known = BY_FUNCTION.get(function);
        for (Map.Entry<?, ?> option : options.entrySet()) {
            String name = option.getKey() instanceof Keyword k && k.getNamespace() == null ? k.getName() : null;
            Kind kind = name == null ? null : known.get(name);
            if (kind == null) {
                throw unknown(function, option.getKey(), known);
            }
            Object value = option.getValue();
            if (value != null && !kind.accepts.test(value)) {
                throw new OptionException(":" + name + " must be " + kind.allowed + ", got " + RT.printString(value),
                        name, value, kind.allowed);
            }
        }
    }

    /**
     * Checks an address of {@code connect} or {@code accept}: {@code {:host :port}} or {@code {:path}}.
     *
     * @param function {@code "connect"} or {@code "accept"}
     * @param address  the address map
     * @throws OptionException for a missing or bad port, an empty host, both a path and a host,
     *                         a path that cannot be a Unix socket, or an unknown key
     */
    public static void checkAddress(String function, Map<?, ?> address) {
        String given = RT.printString(address);
        if (address == null) {
            throw new OptionException(function + " needs an address, {:host :port} or {:path}, got nil",
                    "address", null, "{:host :port} or {:path}");
        }
        for (Object key : address.keySet()) {
            if (key != keyword("host") && key != keyword("port") && key != keyword("path")) {
                throw new OptionException("an address has :host and :port, or :path; not " + RT.printString(key)
                        + nearest(key, List.of("host", "port", "path"))
                        + ", in " + given, "address", address, "{:host :port} or {:path}");
            }
        }
        Object host = address.get(keyword("host"));
        Object port = address.get(keyword("port"));
        Object path = address.get(keyword("path"));
        if (path != null) {
            if (host != null || port != null) {
                throw new OptionException("an address is {:host :port} or {:path}, not both: " + given, "path", path,
                        "{:host :port} or {:path}");
            }
            if (!(path instanceof String || path instanceof File || path instanceof Path)) {
                throw new OptionException(":path must be a string, a java.io.File or a java.nio.file.Path, got "
                        + RT.printString(path), "path", path, "a file path");
            }
            Checks.unixPath(Path.of(path.toString()));
            return;
        }
        if (host != null && !(host instanceof String text && !text.isBlank())) {
            throw new OptionException(":host must be a non-empty string (a name or an address), got "
                    + RT.printString(host) + " in " + given, "host", host, "a non-empty string");
        }
        if (!(port instanceof Number n && isWhole(n) && n.longValue() >= 0 && n.longValue() <= 0xFFFF)) {
            throw new OptionException("address needs :port (0..65535) or :path, got " + given, "port", port,
                    "a whole number from 0 to 65535");
        }
    }

    private static OptionException unknown(String function, Object key, Map<String, Kind> known) {
        String elsewhere = "";
        if (key instanceof Keyword k) {
            for (Map.Entry<String, Map<String, Kind>> other : BY_FUNCTION.entrySet()) {
                if (!other.getKey().equals(function) && other.getValue().containsKey(k.getName())) {
                    elsewhere = " (an option of " + other.getKey() + ")";
                }
            }
        }
        return new OptionException(function + " has no option " + RT.printString(key) + elsewhere
                + nearest(key, known.keySet()) + "; it takes " + RT.printString(known.keySet().stream().sorted()
                .map(ClojureOptions::keyword).toList()), String.valueOf(key).replaceFirst("^:", ""), key,
                "one of " + known.keySet().stream().sorted().toList());
    }

    /** {@return "; did you mean :x?" for the known key nearest to {@code key}, if one is near} */
    private static String nearest(Object key, Collection<String> known) {
        String name = key instanceof Keyword k ? k.getName() : String.valueOf(key);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(name, candidate);
            if (d < bestDistance || d == bestDistance && candidate.compareTo(best) < 0) {
                best = candidate;
                bestDistance = d;
            }
        }
        boolean near = bestDistance <= Math.max(2, name.length() / 3) || best.startsWith(name) || name.startsWith(best);
        return near ? "; did you mean :" + best + "?" : "";
    }

    /** Levenshtein's edit distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static Map<String, Kind> table(Object... namesAndKinds) {
        Map<String, Kind> table = new LinkedHashMap<>();
        for (int i = 0; i < namesAndKinds.length; i += 2) {
            table.put((String) namesAndKinds[i], (Kind) namesAndKinds[i + 1]);
        }
        return Map.copyOf(table);
    }

    private static boolean isWhole(Number n) {
        return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte
                || n instanceof clojure.lang.BigInt || n instanceof java.math.BigInteger
                || (n instanceof Double || n instanceof Float) && n.doubleValue() == Math.rint(n.doubleValue());
    }

    private static boolean isChannel(Object value) {
        for (Class<?> type : value.getClass().getInterfaces()) {
            if (type.getName().equals("clojure.core.async.impl.protocols.ReadPort")) {
                return true;
            }
        }
        return false;
    }

    private static Keyword keyword(String name) {
        return Keyword.intern(name);
    }
}
