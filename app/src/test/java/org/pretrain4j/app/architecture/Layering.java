package org.pretrain4j.app.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.TreeSet;

/**
 * The layering of pretrain4j as ArchUnit rules over each module's compiled classes (imported from
 * where the class loader found them: a module's jar or classes folder, never its tests):
 * <ul>
 *   <li>core depends on no Guice, no ONNX Runtime and no other module;</li>
 *   <li>app reaches a backend's classes and ONNX Runtime only through its adapter package
 *       {@code org.pretrain4j.app.onnx};</li>
 *   <li>an objective plugin depends only on the JDK, its own package, core's {@code spi},
 *       {@code graph} and {@code nn}, and the {@code text}/{@code data} types the SPI exposes
 *       (those in the public signatures of {@code spi}, and theirs in turn): not on the trainer,
 *       the checkpoints, the app or a backend.</li>
 * </ul>
 * {@code ArchitectureTest} checks them on the real modules; {@code ArchitectureRulesFailTest}
 * shows that each fails on a fixture that breaks it.
 */
public final class Layering {
    /** The one app package allowed to import a backend and ONNX Runtime. */
    public static final String APP_ADAPTER = "org.pretrain4j.app.onnx..";

    private Layering() {}

    /** The main classes of the module that {@code anyClass} belongs to. */
    public static JavaClasses module(Class<?> anyClass) {
        return new ClassFileImporter().importUrl(anyClass.getProtectionDomain().getCodeSource().getLocation());
    }

    public static ArchRule coreIsFreeOfGuiceOnnxRuntimeAndOtherModules() {
        return noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "com.google.inject..", "jakarta.inject..", "ai.onnxruntime..", "org.pretrain4j.app..", "org.pretrain4j.backend..")
                .because("core is the library every plugin builds on: no DI container, no runtime, no module above it");
    }

    public static ArchRule appReachesBackendsOnlyThroughItsAdapter() {
        return noClasses().that().resideInAPackage("org.pretrain4j.app..").and().resideOutsideOfPackage(APP_ADAPTER)
                .should().dependOnClassesThat().resideInAnyPackage("org.pretrain4j.backend..", "ai.onnxruntime..")
                .because("backends are plugins bound by Guice; the ONNX adapter (" + APP_ADAPTER + ") is the one exception");
    }

    /** {@code core}: the core module's classes, whose {@code spi} public signatures define the exposed text/data types. */
    public static ArchRule objectivesUseOnlyTheSpi(JavaClasses core) {
        Set<String> exposed = spiExposedTypes(core);
        DescribedPredicate<JavaClass> allowed = DescribedPredicate.describe(
                "are in java.., org.pretrain4j.{spi,graph,nn}.., the plugin's own org.pretrain4j.objective.* package, "
                        + "or one of the text/data types the SPI exposes " + exposed,
                c -> {
                    JavaClass base = c.isArray() ? c.getBaseComponentType() : c;
                    String p = base.getPackageName();
                    return base.isPrimitive() || p.startsWith("java.") || p.equals("java")
                            || p.startsWith("org.pretrain4j.spi") || p.startsWith("org.pretrain4j.graph")
                            || p.startsWith("org.pretrain4j.nn") || p.startsWith("org.pretrain4j.objective.")
                            || exposed.contains(base.getName());
                });
        return classes().should().onlyDependOnClassesThat(allowed)
                .because("a plugin compiles against the SPI and the graph/layers API, not the trainer, checkpoints, app or a backend");
    }

    /**
     * Every class of {@code org.pretrain4j.text} and {@code org.pretrain4j.data} that appears in the
     * public signatures (methods, constructors, fields, generic arguments included) of
     * {@code org.pretrain4j.spi}, and of those types in turn.
     */
    public static Set<String> spiExposedTypes(JavaClasses core) {
        Set<String> exposed = new TreeSet<>();
        Deque<JavaClass> work = new ArrayDeque<>();
        core.stream().filter(c -> c.getPackageName().equals("org.pretrain4j.spi") && c.getModifiers().contains(JavaModifier.PUBLIC))
                .forEach(work::add);
        Set<String> seen = new TreeSet<>();
        while (!work.isEmpty()) {
            JavaClass c = work.pop();
            if (!seen.add(c.getName())) {
                continue;
            }
            for (JavaCodeUnit unit : c.getCodeUnits()) {
                if (!unit.getModifiers().contains(JavaModifier.PUBLIC)) {
                    continue;
                }
                visit(unit.getReturnType(), exposed, work);
                unit.getParameterTypes().forEach(t -> visit(t, exposed, work));
            }
            for (JavaField f : c.getFields()) {
                if (f.getModifiers().contains(JavaModifier.PUBLIC)) {
                    visit(f.getType(), exposed, work);
                }
            }
        }
        return exposed;
    }

    private static void visit(JavaType type, Set<String> exposed, Deque<JavaClass> work) {
        for (JavaClass raw : type.getAllInvolvedRawTypes()) {
            JavaClass base = raw.isArray() ? raw.getBaseComponentType() : raw;
            String p = base.getPackageName();
            if ((p.equals("org.pretrain4j.text") || p.equals("org.pretrain4j.data")) && exposed.add(base.getName())) {
                work.add(base);
            }
        }
    }
}
