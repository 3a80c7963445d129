package dev.lossless.kafka.autoconfigure;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.util.function.SingletonSupplier;

/**
 * The application's own beans of a type for which Spring Boot has a single slot that the
 * starter fills: the starter's bean is {@code @Primary} there and calls these, so that an
 * application's bean adds behaviour instead of silently removing the starter's; or, where
 * the application replaces the starter's bean by design, a rule audits its own.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class ApplicationBeans {

	private static final Log logger = LogFactory.getLog(ApplicationBeans.class);

	private ApplicationBeans() {
	}

	/**
	 * Log the application's beans of a type that replace the starter's bean by design,
	 * and the rule that audits what they do instead.
	 * @param beanFactory the application's bean factory
	 * @param type the type of the slot
	 * @param starterBean the name of the starter's bean in that slot
	 * @param ruleId the rule that audits the application's bean
	 */
	static void reportReplacements(ListableBeanFactory beanFactory, Class<?> type, String starterBean, String ruleId) {
		List<String> names = applicationBeanNames(beanFactory, type, starterBean);
		if (!names.isEmpty()) {
			logger.info("The application's " + type.getSimpleName() + " " + names + " replaces the starter's "
					+ starterBean + "; " + ruleId + " audits what the listener containers get");
		}
	}

	/**
	 * Return the application's beans of a type, all but the starter's own, in order;
	 * looked up once, on first use (after the application's beans exist), and logged at
	 * startup when there are any.
	 * @param <T> the type
	 * @param beanFactory the application's bean factory
	 * @param type the type of the slot
	 * @param starterBean the name of the starter's bean in that slot
	 * @param safety what the starter's bean keeps doing
	 * @return the beans, looked up on first use
	 */
	@SuppressWarnings("unchecked")
	static <T> Supplier<List<T>> composedWith(ListableBeanFactory beanFactory, Class<?> type, String starterBean,
			String safety) {
		List<String> names = applicationBeanNames(beanFactory, type, starterBean);
		if (!names.isEmpty()) {
			logger.info("The application's " + type.getSimpleName() + " " + names + " is composed with the starter's "
					+ starterBean + ", which keeps " + safety + "; both apply");
		}
		return SingletonSupplier.of(() -> names.stream()
			.map((name) -> (T) beanFactory.getBean(name, type))
			.sorted(AnnotationAwareOrderComparator.INSTANCE)
			.toList());
	}

	private static List<String> applicationBeanNames(ListableBeanFactory beanFactory, Class<?> type,
			String starterBean) {
		return Arrays.stream(beanFactory.getBeanNamesForType(type, true, false))
			.filter((name) -> !name.equals(starterBean))
			.toList();
	}

}
