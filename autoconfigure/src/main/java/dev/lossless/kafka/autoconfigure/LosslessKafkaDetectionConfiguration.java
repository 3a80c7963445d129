package dev.lossless.kafka.autoconfigure;

import dev.lossless.kafka.consumer.ConsumerOffsetsMonitor;
import dev.lossless.kafka.consumer.LostOffsets;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Loss detection: the {@link LostOffsets} that the listener containers and the consumer
 * offsets monitor report to.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
@Configuration(proxyBeanMethods = false)
class LosslessKafkaDetectionConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LostOffsets losslessLostOffsets(ObjectProvider<ConsumerOffsetsMonitor> monitor) {
		LostOffsets lostOffsets = new LostOffsets();
		monitor.ifAvailable((offsetsMonitor) -> offsetsMonitor.addListener(lostOffsets::report));
		return lostOffsets;
	}

}
