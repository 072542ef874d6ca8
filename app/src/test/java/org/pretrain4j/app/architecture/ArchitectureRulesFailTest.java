package org.pretrain4j.app.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;
import org.pretrain4j.app.architecture.fixtures.AdapterBypass;
import org.pretrain4j.app.architecture.fixtures.CoreWithGuice;
import org.pretrain4j.objective.archfixture.TrainerUsingObjective;
import org.pretrain4j.spi.Objective;

/** Each rule of {@link Layering} fails, naming the offending class and dependency, on a test fixture that breaks it. */
final class ArchitectureRulesFailTest {
    private static JavaClasses fixture(Class<?> type) {
        return new ClassFileImporter().importClasses(type);
    }

    @Test
    void anAppClassOutsideTheAdapterImportingOnnxRuntimeOrABackendIsReported() {
        EvaluationResult result = Layering.appReachesBackendsOnlyThroughItsAdapter().evaluate(fixture(AdapterBypass.class));

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails())
                .anyMatch(line -> line.contains(AdapterBypass.class.getName()) && line.contains("ai.onnxruntime.OrtEnvironment"))
                .anyMatch(line -> line.contains("org.pretrain4j.backend.onnx.OnnxBackend"));
        assertThatThrownBy(() -> Layering.appReachesBackendsOnlyThroughItsAdapter().check(fixture(AdapterBypass.class)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("the ONNX adapter");
    }

    @Test
    void aCoreClassImportingGuiceIsReported() {
        EvaluationResult result = Layering.coreIsFreeOfGuiceOnnxRuntimeAndOtherModules().evaluate(fixture(CoreWithGuice.class));

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails()).anyMatch(line -> line.contains("com.google.inject.Injector"));
    }

    @Test
    void anObjectiveImportingTheCheckpointCodeIsReportedAndItsSpiUseIsNot() {
        JavaClasses core = Layering.module(Objective.class);
        EvaluationResult result = Layering.objectivesUseOnlyTheSpi(core).evaluate(fixture(TrainerUsingObjective.class));

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails())
                .anyMatch(line -> line.contains("org.pretrain4j.train.checkpoint.CheckpointStore"))
                .noneMatch(line -> line.contains("PluginException"));
    }
}
