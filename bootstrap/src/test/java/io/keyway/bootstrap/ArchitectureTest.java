package io.keyway.bootstrap;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArchitectureTest {
    private static final String KEYWAY = "io.keyway";
    private static final String FIXTURE = "io.keyway.archfixture";
    /** The adapter modules of this reactor (bootstrap's tests run in bootstrap/, beside them). */
    private static final java.util.SortedSet<String> ADAPTERS = ArchitectureRules.adapterPackages(java.nio.file.Path.of("..").toAbsolutePath().normalize());
    private static final java.util.List<String> FIXTURE_ADAPTERS = java.util.List.of("http", "persistence", "openai");

    private static JavaClasses production;
    private static JavaClasses wrong;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages(KEYWAY);
        wrong = new ClassFileImporter().importPackages(FIXTURE);
    }

    @Test
    void productionClassesOfEveryModuleAreImported() {
        for (String module : new String[]{"domain", "application", "http", "persistence", "openai", "anthropic", "bootstrap"}) {
            assertTrue(production.containPackage(KEYWAY + "." + module), "no classes imported from " + module);
        }
    }

    @Test
    void noTestClassIsTakenForProduction() {
        assertTrue(production.stream().noneMatch(c -> c.getSimpleName().endsWith("Test") || c.getPackageName().contains("testkit")
                || c.getPackageName().startsWith(FIXTURE)), "test classes were imported as production classes");
    }

    @Test
    void theDomainDependsOnTheJdkAndBouncyCastleOnly() {
        ArchitectureRules.domainIsPure(KEYWAY).check(production);
    }

    @Test
    void theDomainRuleRejectsAFrameworkOrAnAdapterInTheDomain() {
        assertFailsNaming(ArchitectureRules.domainIsPure(FIXTURE), "DomainThatLogs", "DomainThatKnowsARow");
    }

    @Test
    void theApplicationDependsOnTheDomainOnly() {
        ArchitectureRules.applicationSeesOnlyTheDomain(KEYWAY).check(production);
    }

    @Test
    void theApplicationRuleRejectsAUseCaseThatKnowsAnAdapter() {
        assertFailsNaming(ArchitectureRules.applicationSeesOnlyTheDomain(FIXTURE), "ApplicationThatKnowsAController");
    }

    @Test
    void adaptersNeverDependOnEachOtherAndOnlyBootstrapSeesEveryModule() {
        ArchitectureRules.modulesDependInward(KEYWAY, ADAPTERS).check(production);
    }

    @Test
    void everyAdapterModuleIsFoundWithoutNamingItInTheRules() {
        assertEquals(java.util.List.of("anthropic", "http", "openai", "persistence"), java.util.List.copyOf(ADAPTERS), "stale target/classes? run mvn clean");
    }

    /** Each clause of the layered rule has a fixture that breaks it alone: deleting any clause turns this red. */
    @Test
    void theModuleRuleRejectsEachForbiddenAccessOnAFixtureOfItsOwn() {
        assertFailsNaming(ArchitectureRules.modulesDependInward(FIXTURE, FIXTURE_ADAPTERS),
                "ClientThatKnowsTheMain",          // bootstrap: may not be accessed by any layer
                "ApplicationThatKnowsAController", // http adapter: only bootstrap
                "SomeController",                  // persistence adapter: only bootstrap
                "RowThatCallsAnUpstream",          // openai adapter: only bootstrap
                "ClientThatRunsAUseCase",          // application: only the http adapter and bootstrap
                "StrayWiring");                    // every class belongs to a module
    }

    @Test
    void theModuleRuleLetsBootstrapSeeEveryModuleAndUseCasesSeeTheDomain() {
        String message = assertThrows(AssertionError.class, () -> ArchitectureRules.modulesDependInward(FIXTURE, FIXTURE_ADAPTERS).check(wrong)).getMessage();
        for (String allowed : new String[]{"bootstrap.Main.wire()", "application.CleanUseCase.run()", "openai.SomeClient.call()"}) {
            assertFalse(message.contains("Method <" + FIXTURE + "." + allowed + ">"), "an allowed access was reported:\n" + message);
        }
    }

    @Test
    void onlyTheHttpAdapterEntersTheRelayRoom() {
        ArchitectureRules.onlyTheHttpAdapterEntersTheRelay(KEYWAY).check(production);
    }

    @Test
    void theRelayRoomRuleRejectsAUseCaseThatDrivesTheRelay() {
        String message = assertFailsNaming(ArchitectureRules.onlyTheHttpAdapterEntersTheRelay(FIXTURE), "UseCaseThatRelays");
        assertFalse(message.contains("ControllerThatRelays"), "the http adapter's own use of the relay was reported:\n" + message);
    }

    @Test
    void theRelayUsesNoControllerAndNoStore() {
        ArchitectureRules.theRelayReachesNoControllerOrStore(KEYWAY).check(production);
    }

    @Test
    void theRelayRuleRejectsARelayThatCallsAControllerOrADatabase() {
        String message = assertFailsNaming(ArchitectureRules.theRelayReachesNoControllerOrStore(FIXTURE),
                "RelayThatCallsAController", "RelayThatQueriesADatabase");
        assertFalse(message.contains("SomeRelay"), "a relay class that uses nothing forbidden was reported:\n" + message);
    }

    private static String assertFailsNaming(ArchRule rule, String... offenders) {
        AssertionError failure = assertThrows(AssertionError.class, () -> rule.check(wrong));
        for (String offender : offenders) {
            assertTrue(failure.getMessage().contains(offender), "the rule did not name " + offender + ":\n" + failure.getMessage());
        }
        return failure.getMessage();
    }
}
