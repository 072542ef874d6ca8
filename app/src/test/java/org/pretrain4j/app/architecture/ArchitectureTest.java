package org.pretrain4j.app.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;
import org.pretrain4j.app.Main;
import org.pretrain4j.objective.clm.ClmObjective;
import org.pretrain4j.objective.mlm.MlmObjective;
import org.pretrain4j.objective.nsp.NspObjective;
import org.pretrain4j.spi.Objective;

/** The layering rules of {@link Layering}, on the modules' main classes as {@code mvn verify} built them. */
final class ArchitectureTest {
    private static final JavaClasses CORE = Layering.module(Objective.class);

    @Test
    void coreImportsNeitherGuiceNorOnnxRuntimeNorAnotherModule() {
        assertThat(CORE.contain(Objective.class)).isTrue();
        Layering.coreIsFreeOfGuiceOnnxRuntimeAndOtherModules().check(CORE);
    }

    @Test
    void appImportsABackendOnlyInItsOnnxAdapter() {
        JavaClasses app = Layering.module(Main.class);
        assertThat(app.containPackage("org.pretrain4j.app.onnx")).isTrue();
        Layering.appReachesBackendsOnlyThroughItsAdapter().check(app);
    }

    @Test
    void objectivesImportOnlyTheSpiGraphNnAndTheTypesTheSpiExposes() {
        for (Class<?> anyClass : new Class<?>[] {MlmObjective.class, ClmObjective.class, NspObjective.class}) {
            Layering.objectivesUseOnlyTheSpi(CORE).check(Layering.module(anyClass));
        }
    }

    @Test
    void theSpiExposesTheDataAndTextTypesObjectivesUseButNotTheTrainer() {
        assertThat(Layering.spiExposedTypes(CORE))
                .contains("org.pretrain4j.data.ExampleFeatures", "org.pretrain4j.data.BatchBuilder", "org.pretrain4j.data.Example",
                        "org.pretrain4j.data.RandomSource", "org.pretrain4j.text.Tokenizer", "org.pretrain4j.text.SpecialTokens")
                .noneMatch(name -> name.startsWith("org.pretrain4j.train"));
    }
}
