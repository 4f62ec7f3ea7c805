package dev.tlsprovenance.benchmarks.vspostfix;

import java.util.List;
import java.util.Locale;

/** Median and range of one figure over the rounds. */
record Spread(double median, double min, double max) {
    static Spread of(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).filter(value -> !Double.isNaN(value)).sorted().toArray();
        if (sorted.length == 0) {
            return new Spread(Double.NaN, Double.NaN, Double.NaN);
        }
        int middle = sorted.length / 2;
        double median = sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new Spread(median, sorted[0], sorted[sorted.length - 1]);
    }

    /** {@code median (min-max)} with the given format for each number. */
    String format(String number) {
        return String.format(Locale.ROOT, number + " (" + number + "-" + number + ")", median, min, max);
    }
}
