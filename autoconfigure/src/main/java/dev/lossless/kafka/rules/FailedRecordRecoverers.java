package dev.lossless.kafka.rules;

import java.lang.reflect.Field;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.FailedRecordProcessor;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Reads which recoverer a spring-kafka {@link FailedRecordProcessor} (a
 * {@code DefaultErrorHandler} or {@code DefaultAfterRollbackProcessor}) hands exhausted
 * records to. spring-kafka 4.1 has no getter for it: it sits in the private
 * {@code failureTracker} field, a {@code FailedRecordTracker} whose private
 * {@code recoverer} field holds the recoverer itself (a
 * {@link DeadLetterPublishingRecoverer} is kept as it is), a lambda wrapping a plain
 * recoverer, or, without one, a lambda that only logs. This class reads those fields
 * reflectively; when spring-kafka changes them the answer is {@link Kind#UNREADABLE},
 * never a pass.
 *
 * @author Lossless Kafka team
 * @since 0.2.0
 */
final class FailedRecordRecoverers {

	private static final String TRACKER_CLASS = "org.springframework.kafka.listener.FailedRecordTracker";

	private FailedRecordRecoverers() {
	}

	/**
	 * Return what the processor does with a record whose attempts are exhausted.
	 * @param processor the error handler or after-rollback processor
	 * @return the recoverer's kind and a short description
	 */
	static Recoverer read(FailedRecordProcessor processor) {
		return read(processor, "failureTracker", "recoverer");
	}

	/**
	 * Return what the processor does with a record whose attempts are exhausted, reading
	 * the given private fields.
	 * @param processor the error handler or after-rollback processor
	 * @param trackerField the name of the processor's field holding its tracker
	 * @param recovererField the name of the tracker's field holding its recoverer
	 * @return the recoverer's kind and a short description
	 */
	static Recoverer read(FailedRecordProcessor processor, String trackerField, String recovererField) {
		try {
			Object tracker = read(processor, FailedRecordProcessor.class, trackerField);
			if (tracker == null || !tracker.getClass().getName().equals(TRACKER_CLASS)) {
				return Recoverer.UNREADABLE;
			}
			Object recoverer = read(tracker, tracker.getClass(), recovererField);
			if (recoverer instanceof DeadLetterPublishingRecoverer) {
				// without the check a failed publish is only logged, and the record
				// committed
				boolean checksPublish = !Boolean.FALSE
					.equals(read(recoverer, DeadLetterPublishingRecoverer.class, "failIfSendResultIsError"));
				return new Recoverer(checksPublish ? Kind.DEAD_LETTERS : Kind.UNCHECKED_DEAD_LETTERS,
						ClassUtils.getShortName(recoverer.getClass()));
			}
			if (recoverer == null) {
				return Recoverer.UNREADABLE;
			}
			if (!recoverer.getClass().getName().startsWith(TRACKER_CLASS + "$$Lambda")) {
				return ownRecoverer(recoverer);
			}
			// a lambda of the tracker: it wraps the application's plain recoverer, or
			// logs when there was none
			for (Field field : recoverer.getClass().getDeclaredFields()) {
				if (BiConsumer.class.isAssignableFrom(field.getType())) {
					Object wrapped = read(recoverer, recoverer.getClass(), field.getName());
					return (wrapped != null) ? ownRecoverer(wrapped) : Recoverer.UNREADABLE;
				}
			}
			return new Recoverer(Kind.LOGS_ONLY, "no recoverer");
		}
		catch (RuntimeException | LinkageError ex) {
			return Recoverer.UNREADABLE;
		}
	}

	private static Recoverer ownRecoverer(Object recoverer) {
		Class<?> type = recoverer.getClass();
		String name = (type.isSynthetic() || type.isHidden()) ? "a lambda" : ClassUtils.getShortName(type);
		return new Recoverer(Kind.OWN, name);
	}

	private static @Nullable Object read(Object target, Class<?> type, String name) {
		Field field = ReflectionUtils.findField(type, name);
		if (field == null) {
			throw new IllegalStateException("No field '" + name + "' in " + type.getName());
		}
		ReflectionUtils.makeAccessible(field);
		return ReflectionUtils.getField(field, target);
	}

	/**
	 * What a processor does with a record whose attempts are exhausted.
	 */
	enum Kind {

		/**
		 * It publishes the record to a dead-letter topic.
		 */
		DEAD_LETTERS,

		/**
		 * It publishes the record to a dead-letter topic without failing when the publish
		 * fails ({@code failIfSendResultIsError=false}): the record is then committed
		 * without its dead letter.
		 */
		UNCHECKED_DEAD_LETTERS,

		/**
		 * It has no recoverer: spring-kafka logs the record and commits past it.
		 */
		LOGS_ONLY,

		/**
		 * It calls a recoverer of the application's, which may or may not keep the
		 * record.
		 */
		OWN,

		/**
		 * The recoverer could not be read (spring-kafka changed its private state).
		 */
		UNREADABLE

	}

	/**
	 * The recoverer a processor was read to have.
	 *
	 * @param kind what it does
	 * @param description a short description for the audit
	 */
	record Recoverer(Kind kind, String description) {

		static final Recoverer UNREADABLE = new Recoverer(Kind.UNREADABLE, "recoverer not readable");

	}

}
