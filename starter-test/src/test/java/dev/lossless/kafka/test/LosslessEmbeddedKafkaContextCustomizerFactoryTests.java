package dev.lossless.kafka.test;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LosslessEmbeddedKafkaContextCustomizerFactory}: only an annotated test
 * class gets the cluster, and test classes with the same attributes get equal customizers
 * (so that Spring's context cache can share their application context).
 */
class LosslessEmbeddedKafkaContextCustomizerFactoryTests {

	private final LosslessEmbeddedKafkaContextCustomizerFactory factory = new LosslessEmbeddedKafkaContextCustomizerFactory();

	@Test
	void testClassWithoutTheAnnotationGetsNoCluster() {
		assertThat(this.factory.createContextCustomizer(PlainTests.class, List.of())).isNull();
	}

	@Test
	void testClassesWithTheSameAttributesShareTheirContextConfiguration() {
		assertThat(this.factory.createContextCustomizer(OrdersTests.class, List.of()))
			.isEqualTo(this.factory.createContextCustomizer(MoreOrdersTests.class, List.of()))
			.hasSameHashCodeAs(this.factory.createContextCustomizer(MoreOrdersTests.class, List.of()))
			.isNotEqualTo(this.factory.createContextCustomizer(PaymentsTests.class, List.of()));
	}

	@Test
	void annotationIsFoundOnASuperclassAndOnTheEnclosingClassOfANestedTest() {
		assertThat(this.factory.createContextCustomizer(InheritedOrdersTests.class, List.of()))
			.isEqualTo(this.factory.createContextCustomizer(OrdersTests.class, List.of()));
		assertThat(this.factory.createContextCustomizer(OrdersTests.Nested.class, List.of()))
			.isEqualTo(this.factory.createContextCustomizer(OrdersTests.class, List.of()));
	}

	static class PlainTests {

	}

	@LosslessEmbeddedKafka(topics = "orders")
	static class OrdersTests {

		@org.junit.jupiter.api.Nested
		class Nested {

		}

	}

	@LosslessEmbeddedKafka(topics = "orders")
	static class MoreOrdersTests {

	}

	static class InheritedOrdersTests extends OrdersTests {

	}

	@LosslessEmbeddedKafka(topics = "payments", partitions = 3)
	static class PaymentsTests {

	}

}
