package dev.lossless.kafka.autoconfigure;

import dev.lossless.kafka.worker.BackgroundWorker;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.thread.Threading;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

/**
 * Runs the starter's background loops on virtual threads when
 * {@code spring.threads.virtual.enabled} is set, as Spring Boot does for its Kafka
 * listener containers; on daemon platform threads otherwise.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
@Configuration(proxyBeanMethods = false)
class WorkerConfiguration {

	@Bean
	static BeanPostProcessor losslessWorkerThreads(Environment environment) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessBeforeInitialization(Object bean, String beanName) {
				if (bean instanceof BackgroundWorker worker && Threading.VIRTUAL.isActive(environment)) {
					SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor(worker.liveness().name() + "-");
					executor.setVirtualThreads(true);
					worker.setTaskExecutor(executor);
				}
				return bean;
			}

		};
	}

}
