package dev.lossless.kafka.benchmarks;

/**
 * One measured run of a case: how many records and bytes in how much time, and for
 * producers the send-to-acknowledgement latency percentiles.
 *
 * @param records the records sent or consumed
 * @param bytes the bytes of the record values
 * @param nanos the time from the first send (or the first record received) to the last
 * acknowledgement (or the last record processed)
 * @param p50 the median latency in milliseconds, {@code NaN} when not measured
 * @param p99 the 99th percentile latency in milliseconds, {@code NaN} when not measured
 * @param p999 the 99.9th percentile latency in milliseconds, {@code NaN} when not
 * measured
 * @author Lossless Kafka team
 * @since 0.1.0
 */
record Run(long records, long bytes, long nanos, double p50, double p99, double p999) {

	static Run withoutLatency(long records, long bytes, long nanos) {
		return new Run(records, bytes, nanos, Double.NaN, Double.NaN, Double.NaN);
	}

	double recordsPerSecond() {
		return this.records * 1e9 / this.nanos;
	}

	double megabytesPerSecond() {
		return this.bytes * 1e9 / this.nanos / (1024.0 * 1024.0);
	}

}
