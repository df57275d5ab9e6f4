/* net.async: message-oriented TCP with a core.async interface. MIT licence, see README. */
package net.async.tcp.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The suite's one median and one number formatter, and the label of a message size: every step
 * reports the median of an odd number of rounds, so one lucky or unlucky round moves nothing.
 *
 * <h3>Threading</h3>
 * Stateless.
 */
final class Figures {
    private Figures() {
    }

    /** The median of an odd number of rounds (of an even number, the upper of the middle two). */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** The median over rounds of one figure of each. */
    static <T> double median(T[] rounds, ToDoubleFunction<T> figure) {
        return median(Arrays.stream(rounds).mapToDouble(figure).toArray());
    }

    /** {@code 1,234,567} from 1000 up, {@code 12.35} below; {@code n/a} for NaN. */
    static String number(double x) {
        if (Double.isNaN(x)) {
            return "n/a";
        }
        return Math.abs(x) >= 1000 ? String.format(Locale.ROOT, "%,.0f", x) : String.format(Locale.ROOT, "%.2f", x);
    }

    /** Each round's value divided by {@code divisor}, then their median and range: {@code 1.20, 1.31 (median …)}. */
    static String rounds(double[] values, double divisor) {
        StringBuilder s = new StringBuilder();
        for (double v : values) {
            s.append(s.length() == 0 ? "" : ", ").append(number(v / divisor));
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return s.append(" (median ").append(number(median(values) / divisor)).append(", range ")
                .append(number(sorted[0] / divisor)).append('-').append(number(sorted[sorted.length - 1] / divisor))
                .append(')').toString();
    }

    static String label(int size) {
        return size >= 1024 ? size / 1024 + " KiB" : size + " B";
    }
}
