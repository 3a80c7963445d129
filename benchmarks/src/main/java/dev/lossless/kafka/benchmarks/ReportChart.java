package dev.lossless.kafka.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

/**
 * Draws the chart of a benchmark run with {@code java.awt} (headless) into a PNG: median
 * throughput per case with its min-max range, and the producers' latency percentiles.
 *
 * @author Lossless Kafka team
 * @since 0.1.0
 */
final class ReportChart {

	private static final int WIDTH = 1400;

	private static final int HEIGHT = 1000;

	private static final Color[] COLORS = { new Color(0x4C72B0), new Color(0xDD8452), new Color(0x55A868),
			new Color(0x8172B3), new Color(0xC44E52) };

	private ReportChart() {
	}

	static void write(Results results, Path file) throws IOException {
		BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
		g.setColor(Color.WHITE);
		g.fillRect(0, 0, WIDTH, HEIGHT);
		if (results.producers.isEmpty() && results.consumers.isEmpty() && results.costs.hasProducers()) {
			// only the per-record cost section ran
			costs(g, results.costs);
			g.dispose();
			ImageIO.write(image, "png", file.toFile());
			return;
		}
		g.setColor(Color.BLACK);
		g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
		g.drawString("Lossless Kafka: 3 brokers (RF 3, min ISR 2) and clients on one " + MachineInfo.processors()
				+ "-core machine. Bars: median of " + results.rounds + " rounds; whiskers: min-max", 20, 28);
		int panelWidth = WIDTH / 2;
		int panelHeight = (HEIGHT - 40) / 2;
		int column = 0;
		int row = 0;
		for (Map.Entry<Integer, Map<String, Samples>> bySize : results.producers.entrySet()) {
			String size = (bySize.getKey() == LosslessKafkaBenchmarks.KIB) ? "1 KiB" : bySize.getKey() + " B";
			throughput(g, column * panelWidth, 40 + row * panelHeight, panelWidth, panelHeight,
					"Producer throughput, " + size + " records (records/s)", bySize.getValue());
			column++;
		}
		row = 1;
		column = 0;
		Map<String, Samples> kib = results.producers.get(LosslessKafkaBenchmarks.KIB);
		if (kib != null) {
			latency(g, 0, 40 + row * panelHeight, panelWidth, panelHeight,
					"Producer latency, 1 KiB records (ms, send to ack, unthrottled)", kib);
		}
		throughput(g, panelWidth, 40 + row * panelHeight, panelWidth, panelHeight,
				"Consumer throughput, 1 KiB records (records/s)", results.consumers);
		g.dispose();
		ImageIO.write(image, "png", file.toFile());
	}

	private static void costs(Graphics2D g, PerRecordCost costs) {
		g.setColor(Color.BLACK);
		g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
		g.drawString(
				"Lossless Kafka: CPU ns per record of the client's threads. Bars: median of " + costs.producerRounds
						+ " (consumers " + costs.consumerRounds + ") rounds; whiskers: 95 % CI of the median",
				20, 28);
		int panelWidth = WIDTH / 2;
		int panelHeight = (HEIGHT - 40) / 2;
		int panel = 0;
		for (int size : costs.producers.keySet()) {
			String label = (size == LosslessKafkaBenchmarks.KIB) ? "1 KiB" : size + " B";
			List<String> names = new ArrayList<>(costs.producers.get(size).keySet());
			List<MedianInterval> intervals = new ArrayList<>();
			for (String name : names) {
				intervals.add(costs.producer(size, name, PerRecordCost.ProducerCost::clientCpu));
			}
			intervals(g, (panel % 2) * panelWidth, 40 + (panel / 2) * panelHeight, panelWidth, panelHeight,
					"Producer, " + label + ": sending + network thread CPU ns/record", names, intervals);
			panel++;
		}
		if (costs.hasConsumers()) {
			List<String> names = new ArrayList<>(costs.consumers.keySet());
			List<MedianInterval> intervals = new ArrayList<>();
			for (String name : names) {
				intervals.add(costs.consumer(name, PerRecordCost.ConsumerCost::cpu));
			}
			// a row of its own when it starts one: its many case names need the width
			int width = (panel % 2 == 0) ? 2 * panelWidth : panelWidth;
			intervals(g, (panel % 2) * panelWidth, 40 + (panel / 2) * panelHeight, width, panelHeight,
					"Consumer, 1 KiB: consuming thread CPU ns/record", names, intervals);
		}
	}

	private static void intervals(Graphics2D g, int x, int y, int width, int height, String title, List<String> names,
			List<MedianInterval> intervals) {
		double max = 0;
		for (MedianInterval interval : intervals) {
			max = Math.max(max, interval.high());
		}
		Frame frame = frame(g, x, y, width, height, title, niceMax(max), names.size());
		for (int i = 0; i < names.size(); i++) {
			MedianInterval interval = intervals.get(i);
			bar(g, frame, i, 0, 1, interval.median(), interval.low(), interval.high(), COLORS[i % COLORS.length],
					String.format("%,.0f", interval.median()));
			caseLabel(g, frame, i, names.get(i));
		}
	}

	private static void throughput(Graphics2D g, int x, int y, int width, int height, String title,
			Map<String, Samples> cases) {
		List<Samples> samples = new ArrayList<>(cases.values());
		double max = 0;
		for (Samples sample : samples) {
			max = Math.max(max, sample.max(Run::recordsPerSecond));
		}
		Frame frame = frame(g, x, y, width, height, title, niceMax(max), samples.size());
		for (int i = 0; i < samples.size(); i++) {
			Samples sample = samples.get(i);
			bar(g, frame, i, 0, 1, sample.median(Run::recordsPerSecond), sample.min(Run::recordsPerSecond),
					sample.max(Run::recordsPerSecond), COLORS[i % COLORS.length],
					String.format("%,.0f", sample.median(Run::recordsPerSecond)));
			caseLabel(g, frame, i, sample.name());
		}
	}

	private static void latency(Graphics2D g, int x, int y, int width, int height, String title,
			Map<String, Samples> cases) {
		List<Samples> samples = new ArrayList<>(cases.values());
		double max = 0;
		for (Samples sample : samples) {
			max = Math.max(max, sample.max(Run::p999));
		}
		Frame frame = frame(g, x, y, width, height, title, niceMax(max), samples.size());
		String[] labels = { "p50", "p99", "p99.9" };
		Color[] shades = { new Color(0x9ECAE1), new Color(0x4292C6), new Color(0x08519C) };
		for (int i = 0; i < samples.size(); i++) {
			Samples sample = samples.get(i);
			List<java.util.function.ToDoubleFunction<Run>> metrics = List.of(Run::p50, Run::p99, Run::p999);
			for (int k = 0; k < 3; k++) {
				var metric = metrics.get(k);
				bar(g, frame, i, k, 3, sample.median(metric), sample.min(metric), sample.max(metric), shades[k],
						String.format("%.0f", sample.median(metric)));
			}
			caseLabel(g, frame, i, sample.name());
		}
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
		for (int k = 0; k < 3; k++) {
			g.setColor(shades[k]);
			g.fillRect(frame.left + 10 + k * 70, frame.top + 4, 12, 12);
			g.setColor(Color.BLACK);
			g.drawString(labels[k], frame.left + 26 + k * 70, frame.top + 15);
		}
	}

	private static Frame frame(Graphics2D g, int x, int y, int width, int height, String title, double max,
			int groups) {
		int left = x + 80;
		int right = x + width - 20;
		int top = y + 40;
		int bottom = y + height - 80;
		g.setColor(Color.BLACK);
		g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
		g.drawString(title, x + 20, y + 24);
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
		for (int tick = 0; tick <= 5; tick++) {
			double value = max * tick / 5;
			int ty = bottom - (int) Math.round((bottom - top) * tick / 5.0);
			g.setColor(new Color(0xE0E0E0));
			g.drawLine(left, ty, right, ty);
			g.setColor(Color.DARK_GRAY);
			String label = String.format("%,.0f", value);
			g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), ty + 4);
		}
		g.setColor(Color.BLACK);
		g.drawLine(left, bottom, right, bottom);
		g.drawLine(left, top, left, bottom);
		return new Frame(left, right, top, bottom, max, groups);
	}

	private static void bar(Graphics2D g, Frame frame, int group, int index, int perGroup, double median, double min,
			double max, Color color, String label) {
		if (Double.isNaN(median)) {
			return;
		}
		double groupWidth = (frame.right - frame.left) / (double) frame.groups;
		double barWidth = groupWidth * 0.7 / perGroup;
		int bx = (int) Math.round(frame.left + group * groupWidth + groupWidth * 0.15 + index * barWidth);
		int by = frame.y(median);
		g.setColor(color);
		g.fillRect(bx, by, (int) Math.round(barWidth) - 2, frame.bottom - by);
		int center = bx + (int) Math.round(barWidth / 2) - 1;
		g.setColor(Color.BLACK);
		g.setStroke(new BasicStroke(1.5f));
		g.drawLine(center, frame.y(min), center, frame.y(max));
		g.drawLine(center - 5, frame.y(min), center + 5, frame.y(min));
		g.drawLine(center - 5, frame.y(max), center + 5, frame.y(max));
		g.setStroke(new BasicStroke(1f));
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
		FontMetrics metrics = g.getFontMetrics();
		g.drawString(label, center - metrics.stringWidth(label) / 2, Math.min(frame.y(max), by) - 4);
	}

	private static void caseLabel(Graphics2D g, Frame frame, int group, String name) {
		double groupWidth = (frame.right - frame.left) / (double) frame.groups;
		int center = (int) Math.round(frame.left + group * groupWidth + groupWidth / 2);
		g.setColor(Color.BLACK);
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
		FontMetrics metrics = g.getFontMetrics();
		List<String> lines = wrap(name, metrics, (int) groupWidth - 6);
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i);
			g.drawString(line, center - metrics.stringWidth(line) / 2, frame.bottom + 18 + i * 15);
		}
	}

	private static List<String> wrap(String text, FontMetrics metrics, int width) {
		List<String> lines = new ArrayList<>();
		StringBuilder line = new StringBuilder();
		for (String word : text.split(" ")) {
			String candidate = (line.length() == 0) ? word : line + " " + word;
			if (metrics.stringWidth(candidate) > width && line.length() > 0) {
				lines.add(line.toString());
				line = new StringBuilder(word);
			}
			else {
				line = new StringBuilder(candidate);
			}
		}
		lines.add(line.toString());
		return lines;
	}

	private static double niceMax(double max) {
		if (!(max > 0)) {
			return 1;
		}
		double magnitude = Math.pow(10, Math.floor(Math.log10(max)));
		for (double step : new double[] { 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 }) {
			if (step * magnitude >= max * 1.08) {
				return step * magnitude;
			}
		}
		return 10 * magnitude;
	}

	private record Frame(int left, int right, int top, int bottom, double max, int groups) {

		int y(double value) {
			return this.bottom - (int) Math.round((this.bottom - this.top) * Math.min(value, this.max) / this.max);
		}

	}

}
