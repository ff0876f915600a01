package io.keyway.bootstrap;

import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.base.DescribedPredicate.not;
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
                .layer("openai adapter").definedBy(root + ".openai..")
                .layer("bootstrap").definedBy(root + ".bootstrap..")
                .whereLayer("bootstrap").mayNotBeAccessedByAnyLayer()
                .whereLayer("http adapter").mayOnlyBeAccessedByLayers("bootstrap")
                .whereLayer("persistence adapter").mayOnlyBeAccessedByLayers("bootstrap")
                .whereLayer("openai adapter").mayOnlyBeAccessedByLayers("bootstrap")
                .whereLayer("application").mayOnlyBeAccessedByLayers("http adapter", "bootstrap")
                .as("adapters never depend on each other and only bootstrap sees every module");
    }

    /**
     * The relay room ({@code http.relay}: one object per request in flight, the bodies, usage watching, upstream
     * errors) is entered from the http adapter only: no use case, store or upstream client drives it.
     */
    static ArchRule onlyTheHttpAdapterEntersTheRelay(String root) {
        return classes().that().resideInAPackage(root + ".http.relay..")
                .should().onlyBeAccessed().byClassesThat().resideInAPackage(root + ".http..")
                .as("only the http adapter enters the relay room");
    }

    /**
     * The relay uses the domain, the use cases' events, the HTTP server and its reactive types, and the adapter's
     * shared vocabulary (errors, request ids, meters), never a controller or a store of its own.
     */
    static ArchRule theRelayReachesNoControllerOrStore(String root) {
        return classes().that().resideInAPackage(root + ".http.relay..")
                .should().onlyDependOnClassesThat(resideInAnyPackage(root + ".http.relay..", root + ".domain..", root + ".application..",
                                "java..", "io.micronaut..", "io.netty..", "reactor..", "org.reactivestreams..", "org.slf4j..",
                                "com.fasterxml.jackson.core..", "jakarta.inject..")
                        .or(resideInAPackage(root + ".http").and(not(simpleNameEndingWith("Controller")))))
                .as("the relay uses no controller and no store");
    }
}
