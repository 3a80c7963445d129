package dev.lossless.kafka.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Keeps the packages of the starter depending one way: {@code autoconfigure} wires
 * everything, {@code actuate} reads the runtime packages, the runtime packages do not
 * reach into each other, and {@code rules} knows no runtime package but the topic state
 * it judges. Print the graph with
 * {@code ./mvnw -pl autoconfigure -am test -Dtest=PackageDependencyTests -Dsurefire.failIfNoSpecifiedTests=false}
 * on a broken build: every violation names the class and the dependency.
 */
class PackageDependencyTests {

	private static final String ROOT = "dev.lossless.kafka";

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages(ROOT);

	@Test
	void packagesAreFreeOfCycles() {
		slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(CLASSES);
	}

	@Test
	void onlyTheAutoConfigurationWiresTheOthers() {
		noClasses().that()
			.resideOutsideOfPackage(ROOT + ".autoconfigure..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage(ROOT + ".autoconfigure..")
			.check(CLASSES);
	}

	@Test
	void onlyTheAutoConfigurationKnowsTheActuatorSupport() {
		noClasses().that()
			.resideOutsideOfPackages(ROOT + ".autoconfigure..", ROOT + ".actuate..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage(ROOT + ".actuate..")
			.check(CLASSES);
	}

	@Test
	void rulesKnowNoRuntimePackage() {
		noClasses().that()
			.resideInAPackage(ROOT + ".rules..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(ROOT + ".producer..", ROOT + ".consumer..", ROOT + ".sequence..", ROOT + ".outbox..",
					ROOT + ".idempotent..")
			.check(CLASSES);
	}

	@Test
	void producerAndConsumerDoNotReachIntoEachOther() {
		noClasses().that()
			.resideInAPackage(ROOT + ".producer..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(ROOT + ".consumer..", ROOT + ".topics..", ROOT + ".outbox..", ROOT + ".idempotent..")
			.check(CLASSES);
		noClasses().that()
			.resideInAPackage(ROOT + ".consumer..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(ROOT + ".producer..", ROOT + ".outbox..", ROOT + ".idempotent..")
			.check(CLASSES);
	}

	@Test
	void sequenceAndTopicsAreLeaves() {
		noClasses().that()
			.resideInAnyPackage(ROOT + ".sequence..", ROOT + ".topics..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(ROOT + ".producer..", ROOT + ".consumer..", ROOT + ".outbox..", ROOT + ".idempotent..",
					ROOT + ".rules..")
			.check(CLASSES);
	}

	@Test
	void onlyTheWiringReachesTheJdbcLayer() {
		noClasses().that()
			.resideOutsideOfPackages(ROOT + ".autoconfigure..", ROOT + ".actuate..", ROOT + ".outbox..",
					ROOT + ".idempotent..", ROOT + ".jdbc..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(ROOT + ".outbox..", ROOT + ".idempotent..", ROOT + ".jdbc..")
			.because("the JDBC layer could become a module of its own without untangling code")
			.check(CLASSES);
	}

}
