package io.keyway.bootstrap;

import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

/**
 * Keyway's module boundaries as ArchUnit rules over a root package, so the same rules can be checked against the
 * production classes ({@code io.keyway}) and against deliberately wrong ones ({@code io.keyway.archfixture}).
 */
final class ArchitectureRules {
    private ArchitectureRules() {
    }

    /**
     * The domain uses the JDK and Bouncy Castle only. {@code javax.crypto} is the JDK's own AES-GCM (JCA), which
     * uses the processor's AES instructions; the key derivation is Bouncy Castle's.
     */
    static ArchRule domainIsPure(String root) {
        return classes().that().resideInAPackage(root + ".domain..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(root + ".domain..", "java..", "javax.crypto..", "org.bouncycastle..")
                .as("the domain depends on the JDK and Bouncy Castle only");
    }

    static ArchRule applicationSeesOnlyTheDomain(String root) {
        return classes().that().resideInAPackage(root + ".application..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(root + ".application..", root + ".domain..", "java..")
                .as("the application depends on the domain only");
    }

    /**
     * Adapters never depend on each other; only bootstrap sees every module, and nothing depends on bootstrap. Every
     * class belongs to one of the modules: a class in a package no layer names fails the rule instead of escaping it.
     */
    static ArchRule modulesDependInward(String root) {
        return layeredArchitecture().consideringOnlyDependenciesInLayers()
                .ensureAllClassesAreContainedInArchitecture()
                .layer("domain").definedBy(root + ".domain..")
                .layer("application").definedBy(root + ".application..")
                .layer("http adapter").definedBy(root + ".http..")
                .layer("persistence adapter").definedBy(root + ".persistence..")
                .layer("openrouter adapter").definedBy(root + ".openrouter..")
                .layer("bootstrap").definedBy(root + ".bootstrap..")
                .whereLayer("bootstrap").mayNotBeAccessedByAnyLayer()
                .whereLayer("http adapter").mayOnlyBeAccessedByLayers("bootstrap")
                .whereLayer("persistence adapter").mayOnlyBeAccessedByLayers("bootstrap")
                .whereLayer("openrouter adapter").mayOnlyBeAccessedByLayers("bootstrap")
                .whereLayer("application").mayOnlyBeAccessedByLayers("http adapter", "bootstrap")
                .as("adapters never depend on each other and only bootstrap sees every module");
    }
}
