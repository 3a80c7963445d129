package dev.lossless.kafka.benchmarks;

import java.util.Arrays;

/**
 * The median of some values with its distribution-free confidence interval: the order
 * statistics {@code x(k)} and {@code x(n + 1 - k)} with the largest {@code k} for which
 * {@code P(Binomial(n, 1/2) < k) <= 2.5 %}, so that the interval covers the true median
 * with at least 95 % confidence whatever the distribution (no normality assumed).
 *
 * @param median the median
 * @param low the lower bound of the interval
 * @param high the upper bound of the interval
 * @param confidence the exact coverage of the interval ({@code NaN} when too few values
 * for a 95 % interval: then low and high are the extremes)
 * @param count the number of values
 * @author Lossless Kafka team
 * @since 0.2.0
 */
record MedianInterval(double median, double low, double high, double confidence, int count) {

	private static final double TAIL = 0.025;

	static MedianInterval of(double[] values) {
		int n = values.length;
		if (n == 0) {
			return new MedianInterval(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
		}
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = n / 2;
		double median = (n % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
		// the largest k (1-based) with P(B < k) <= TAIL, B ~ Binomial(n, 1/2)
		int k = 0;
		double below = 0;
		for (int j = 0; j < n; j++) {
			double next = below + binomialHalf(n, j);
			if (next > TAIL) {
				break;
			}
			below = next;
			k = j + 1;
		}
		if (k == 0) {
			return new MedianInterval(median, sorted[0], sorted[n - 1], Double.NaN, n);
		}
		return new MedianInterval(median, sorted[k - 1], sorted[n - k], 1 - 2 * below, n);
	}

	/**
	 * Return the width of the interval relative to the median.
	 * @return {@code (high - low) / median}
	 */
	double relativeWidth() {
		return (this.high - this.low) / this.median;
	}

	private static double binomialHalf(int n, int j) {
		double logChoose = 0;
		for (int i = 1; i <= j; i++) {
			logChoose += Math.log(n - j + i) - Math.log(i);
		}
		return Math.exp(logChoose - n * Math.log(2));
	}

}
