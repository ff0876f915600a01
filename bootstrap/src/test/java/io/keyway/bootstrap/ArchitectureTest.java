package io.keyway.bootstrap;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArchitectureTest {
    private static final String KEYWAY = "io.keyway";
    private static final String FIXTURE = "io.keyway.archfixture";

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
        for (String module : new String[]{"domain", "application", "http", "persistence", "openrouter", "bootstrap"}) {
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
        ArchitectureRules.modulesDependInward(KEYWAY).check(production);
    }

    @Test
    void theModuleRuleRejectsAdaptersThatKnowEachOtherOrBootstrap() {
        assertFailsNaming(ArchitectureRules.modulesDependInward(FIXTURE), "SomeController", "ClientThatKnowsTheMain",
                "DomainThatKnowsARow", "ApplicationThatKnowsAController");
    }

    private static void assertFailsNaming(ArchRule rule, String... offenders) {
        AssertionError failure = assertThrows(AssertionError.class, () -> rule.check(wrong));
        for (String offender : offenders) {
            assertTrue(failure.getMessage().contains(offender), "the rule did not name " + offender + ":\n" + failure.getMessage());
        }
    }
}
