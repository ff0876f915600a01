package io.keyway.bootstrap;

import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures;

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
     * {@code adapters} are the top-level packages of the adapter modules; each is a layer of its own that only
     * bootstrap may use, so a new adapter module joins the rule through {@link #adapterPackages} without an edit
     * here. {@code http} is the one driving adapter: it alone (with bootstrap) runs use cases.
     */
    static ArchRule modulesDependInward(String root, java.util.Collection<String> adapters) {
        Architectures.LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .ensureAllClassesAreContainedInArchitecture()
                .layer("domain").definedBy(root + ".domain..")
                .layer("application").definedBy(root + ".application..")
                .layer("bootstrap").definedBy(root + ".bootstrap..");
        for (String adapter : adapters) {
            layers = layers.layer(adapter + " adapter").definedBy(root + "." + adapter + "..");
        }
        layers = layers.whereLayer("bootstrap").mayNotBeAccessedByAnyLayer();
        for (String adapter : adapters) {
            layers = layers.whereLayer(adapter + " adapter").mayOnlyBeAccessedByLayers("bootstrap");
        }
        return layers.whereLayer("application").mayOnlyBeAccessedByLayers("http adapter", "bootstrap")
                .as("adapters never depend on each other and only bootstrap sees every module");
    }

    /**
     * The top-level packages under {@code io.keyway} that the reactor's {@code adapters-*} modules compile, found in
     * their {@code target/classes}: {@code http}, {@code persistence}, {@code openai}, {@code anthropic}, and whichever
     * adapter module is added next.
     */
    static java.util.SortedSet<String> adapterPackages(java.nio.file.Path reactor) {
        java.util.SortedSet<String> packages = new java.util.TreeSet<>();
        try (java.util.stream.Stream<java.nio.file.Path> modules = java.nio.file.Files.list(reactor)) {
            for (java.nio.file.Path module : modules.filter(path -> path.getFileName().toString().startsWith("adapters-")).toList()) {
                java.nio.file.Path compiled = module.resolve("target/classes/io/keyway");
                if (java.nio.file.Files.isDirectory(compiled)) {
                    try (java.util.stream.Stream<java.nio.file.Path> tops = java.nio.file.Files.list(compiled)) {
                        tops.filter(java.nio.file.Files::isDirectory).forEach(top -> packages.add(top.getFileName().toString()));
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return packages;
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
