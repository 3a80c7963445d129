package dev.lossless.kafka.consumer;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.DelegatingMessageListener;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.listener.adapter.DelegatingInvocableHandler;
import org.springframework.kafka.listener.adapter.HandlerAdapter;
import org.springframework.kafka.listener.adapter.MessagingMessageListenerAdapter;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.messaging.handler.invocation.InvocableHandlerMethod;
import org.springframework.util.ReflectionUtils;

/**
 * Gives the container of a listener method that takes an {@link Acknowledgment} the
 * {@link AckMode#MANUAL MANUAL} acknowledgement mode it needs, whatever
 * {@code spring.kafka.listener.ack-mode} says for the other listeners (with any other
 * mode spring-kafka passes no acknowledgement and every record fails). A class-level
 * listener whose handlers differ (some take an acknowledgement, some do not) is refused:
 * under {@code MANUAL} the records of a handler that never acknowledges would never be
 * committed, under any other mode the other handlers' records would all fail.
 * <p>
 * spring-kafka keeps the listener's methods inside its adapter; they are read by
 * reflection, and a listener whose methods cannot be read is left as configured.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class ManualAcknowledgment {

	private static final Log logger = LogFactory.getLog(ManualAcknowledgment.class);

	private ManualAcknowledgment() {
	}

	/**
	 * Set {@code MANUAL} on the container when its listener takes an acknowledgement and
	 * its mode is not manual.
	 * @param container the container
	 * @throws IllegalStateException when a class-level listener's handlers differ
	 */
	static void apply(MessageListenerContainer container) {
		ContainerProperties properties = container.getContainerProperties();
		List<Method> methods = methods(properties.getMessageListener());
		List<Method> acknowledging = methods.stream().filter(ManualAcknowledgment::takesAcknowledgment).toList();
		if (acknowledging.isEmpty()) {
			return;
		}
		if (acknowledging.size() != methods.size()) {
			throw new IllegalStateException("Listener '" + container.getListenerId()
					+ "' has handlers that take an Acknowledgment " + names(acknowledging)
					+ " and handlers that do not: under ack-mode MANUAL the records of the latter would never be"
					+ " committed, under any other ack-mode the former receive no Acknowledgment. Give every"
					+ " handler of the listener an Acknowledgment parameter, or none, or split the listener.");
		}
		AckMode ackMode = properties.getAckMode();
		if (ackMode != AckMode.MANUAL && ackMode != AckMode.MANUAL_IMMEDIATE) {
			properties.setAckMode(AckMode.MANUAL);
			logger.info("Listener '" + container.getListenerId() + "' takes an Acknowledgment: its container's"
					+ " ack-mode is MANUAL instead of " + ackMode);
		}
	}

	private static boolean takesAcknowledgment(Method method) {
		return Arrays.stream(method.getParameterTypes()).anyMatch(Acknowledgment.class::isAssignableFrom);
	}

	private static List<Method> methods(@Nullable Object listener) {
		Object candidate = listener;
		while (candidate instanceof DelegatingMessageListener<?> delegating) {
			candidate = delegating.getDelegate();
		}
		if (!(candidate instanceof MessagingMessageListenerAdapter<?, ?>)) {
			return List.of();
		}
		Object handler = read(MessagingMessageListenerAdapter.class, "handlerMethod", candidate);
		if (!(handler instanceof HandlerAdapter)) {
			return List.of();
		}
		List<Method> methods = new ArrayList<>();
		if (read(HandlerAdapter.class, "invokerHandlerMethod", handler) instanceof InvocableHandlerMethod method) {
			methods.add(method.getMethod());
		}
		if (read(HandlerAdapter.class, "delegatingHandler", handler) instanceof DelegatingInvocableHandler delegating
				&& read(DelegatingInvocableHandler.class, "handlers", delegating) instanceof List<?> handlers) {
			handlers.stream()
				.filter(InvocableHandlerMethod.class::isInstance)
				.map((each) -> ((InvocableHandlerMethod) each).getMethod())
				.forEach(methods::add);
		}
		return methods;
	}

	private static @Nullable Object read(Class<?> type, String name, Object target) {
		Field field = ReflectionUtils.findField(type, name);
		if (field == null) {
			logger.debug("spring-kafka's " + type.getName() + " has no field " + name
					+ ": listeners taking an Acknowledgment are not detected");
			return null;
		}
		ReflectionUtils.makeAccessible(field);
		return ReflectionUtils.getField(field, target);
	}

	private static List<String> names(List<Method> methods) {
		return methods.stream().map(Method::getName).toList();
	}

}
