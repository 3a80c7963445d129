package dev.lossless.kafka.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The measured runs of one case, with their median and spread.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
final class Samples {

	private final String name;

	private final List<Run> runs = new ArrayList<>();

	Samples(String name) {
		this.name = name;
	}

	String name() {
		return this.name;
	}

	void add(Run run) {
		this.runs.add(run);
	}

	List<Run> runs() {
		return Collections.unmodifiableList(this.runs);
	}

	boolean isEmpty() {
		return this.runs.isEmpty();
	}

	double median(ToDoubleFunction<Run> metric) {
		List<Double> values = values(metric);
		if (values.isEmpty()) {
			return Double.NaN;
		}
		int middle = values.size() / 2;
		return (values.size() % 2 == 1) ? values.get(middle) : (values.get(middle - 1) + values.get(middle)) / 2;
	}

	double min(ToDoubleFunction<Run> metric) {
		List<Double> values = values(metric);
		return values.isEmpty() ? Double.NaN : values.get(0);
	}

	double max(ToDoubleFunction<Run> metric) {
		List<Double> values = values(metric);
		return values.isEmpty() ? Double.NaN : values.get(values.size() - 1);
	}

	/**
	 * Return the spread of a metric: {@code (max - min) / median}.
	 * @param metric the metric
	 * @return the relative spread
	 */
	double spread(ToDoubleFunction<Run> metric) {
		return (max(metric) - min(metric)) / median(metric);
	}

	private List<Double> values(ToDoubleFunction<Run> metric) {
		List<Double> values = new ArrayList<>();
		for (Run run : this.runs) {
			values.add(metric.applyAsDouble(run));
		}
		Collections.sort(values);
		return values;
	}

}
