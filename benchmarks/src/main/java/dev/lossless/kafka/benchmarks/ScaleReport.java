package dev.lossless.kafka.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The scale section (issue #17): one line per dimension with its cost at a tenth of the
 * size and at the full size, and whether the cost grows linearly with the size.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class ScaleReport {

	/**
	 * Growth exponents up to this are called linear: on a loaded machine a tenfold size
	 * can cost a little more than tenfold without an algorithm being worse than linear.
	 */
	private static final double LINEAR = 1.15;

	final Map<String, String> facts = new LinkedHashMap<>();

	private final List<Line> lines = new ArrayList<>();

	private final List<String> notes = new ArrayList<>();

	private final Map<String, String> plans = new LinkedHashMap<>();

	/**
	 * Add a line whose cost is a total that should grow with the size (time of one
	 * inspection, bytes retained).
	 */
	void total(String dimension, String measure, String smallSize, String fullSize, double sizeRatio, double smallValue,
			double fullValue, String unit) {
		double exponent = Math.log(fullValue / smallValue) / Math.log(sizeRatio);
		String growth = String.format(Locale.ROOT, "x%.1f for x%.0f the size (exponent %.2f): %s",
				fullValue / smallValue, sizeRatio, exponent,
				(exponent <= LINEAR) ? "linear or better" : "WORSE than linear");
		this.lines.add(new Line(dimension, measure, smallSize, fullSize, format(smallValue, unit),
				format(fullValue, unit), growth));
	}

	/**
	 * Add a line whose cost is per unit of work (time per record): constant means linear.
	 */
	void perUnit(String dimension, String measure, String smallSize, String fullSize, double smallValue,
			double fullValue, String unit) {
		double ratio = fullValue / smallValue;
		String growth = String.format(Locale.ROOT, "per unit x%.2f: %s", ratio,
				(ratio <= Math.pow(10, LINEAR - 1)) ? "linear (constant per unit)" : "WORSE than linear");
		this.lines.add(new Line(dimension, measure, smallSize, fullSize, format(smallValue, unit),
				format(fullValue, unit), growth));
	}

	/**
	 * Add a line whose cost must not grow at all (Admin calls of a health request).
	 */
	void bounded(String dimension, String measure, String smallSize, String fullSize, double smallValue,
			double fullValue, String unit) {
		String growth = (fullValue <= smallValue) ? "bounded (does not grow)"
				: String.format(Locale.ROOT, "grows x%.2f", fullValue / smallValue);
		this.lines.add(new Line(dimension, measure, smallSize, fullSize, format(smallValue, unit),
				format(fullValue, unit), growth));
	}

	/**
	 * Add a line of rates at the start and at the end of one run.
	 */
	void rate(String dimension, String measure, String size, double start, double end, String unit) {
		String growth = String.format(Locale.ROOT, "end/start %.2f: %s", end / start,
				(end / start >= 0.5) ? "no slowdown with the backlog worth a bug" : "SLOWS DOWN as it goes");
		this.lines.add(new Line(dimension, measure, size + " (start)", size + " (end)", format(start, unit),
				format(end, unit), growth));
	}

	void note(String note) {
		this.notes.add(note);
	}

	void plan(String statement, String plan) {
		this.plans.put(statement, plan);
	}

	String markdown() {
		StringBuilder out = new StringBuilder("# Lossless Kafka: how cost grows with the work\n\n");
		out.append("Issue #17, the scale section: `./mvnw -B -pl benchmarks -am verify -Pscale` ")
			.append("(`-Dscale.full=0.1` for a smoke run). Each dimension is measured at a tenth of its size and at ")
			.append("its full size; the growth column says whether the cost grows linearly.\n\n");
		this.facts.forEach((key, value) -> out.append("- ").append(key).append(": ").append(value).append('\n'));
		out.append("\n| dimension | measure | size (1/10) | size (full) | cost (1/10) | cost (full) | growth |\n");
		out.append("|---|---|---|---|---:|---:|---|\n");
		for (Line line : this.lines) {
			out.append("| ")
				.append(String.join(" | ", line.dimension(), line.measure(), line.smallSize(), line.fullSize(),
						line.smallValue(), line.fullValue(), line.growth()))
				.append(" |\n");
		}
		if (!this.notes.isEmpty()) {
			out.append('\n');
			this.notes.forEach((note) -> out.append("- ").append(note).append('\n'));
		}
		if (!this.plans.isEmpty()) {
			out.append("\n## Query plans of the outbox relay's statements\n\n");
			out.append("`EXPLAIN (GENERIC_PLAN)` of every statement on the outbox tables that ")
				.append("`pg_stat_statements` saw during the full-size run, with the table full; then ")
				.append("`EXPLAIN (ANALYZE, BUFFERS)` of the relay's statements at the start and at the end of each ")
				.append("full-size drain, while the relays ran, with the table's dead tuples and autovacuum runs.\n");
			this.plans.forEach((statement, plan) -> out.append("\n```sql\n")
				.append(statement)
				.append("\n```\n```\n")
				.append(plan)
				.append("\n```\n"));
		}
		return out.toString();
	}

	private static String format(double value, String unit) {
		if (value >= 100 || value == Math.rint(value)) {
			return String.format(Locale.ROOT, "%,.0f %s", value, unit);
		}
		return String.format(Locale.ROOT, "%.3g %s", value, unit);
	}

	private record Line(String dimension, String measure, String smallSize, String fullSize, String smallValue,
			String fullValue, String growth) {
	}

}
