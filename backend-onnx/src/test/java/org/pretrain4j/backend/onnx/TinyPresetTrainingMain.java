package org.pretrain4j.backend.onnx;

import java.nio.file.Path;
import java.util.Map;
import org.pretrain4j.nn.TransformerConfig;
import org.pretrain4j.spi.AttentionKind;
import org.pretrain4j.spi.Backend;
import org.pretrain4j.spi.Objective;
import org.pretrain4j.testkit.FakeTokenObjective;
import org.pretrain4j.testkit.TinyBatches;
import org.pretrain4j.testkit.TinyModels;
import org.pretrain4j.train.Trainer;
import org.pretrain4j.train.TrainerConfig;
import org.pretrain4j.train.TrainingGraphs;
import org.pretrain4j.train.TrainingPrograms;

/** Child process of {@link OnnxTrainerResumeTest}: two steps of the {@code tiny} preset through the trainer, from {@code main}. */
public final class TinyPresetTrainingMain {
    private TinyPresetTrainingMain() {}

    public static void main(String[] args) {
        Objective objective = new FakeTokenObjective(AttentionKind.BIDIRECTIONAL);
        TrainerConfig config = TrainerConfig.builder().steps(2).batchSize(2).learningRate(1e-3).warmupSteps(0)
                .evalEvery(0).checkpointEvery(0).seed(1).build();
        TrainingGraphs graphs = new TrainingGraphs(
                TransformerConfig.preset(TransformerConfig.Preset.TINY, 100, 16, AttentionKind.BIDIRECTIONAL),
                TinyModels.BERT_TOKENS, objective, config.optimizer(), 1);
        try (Backend backend = new OnnxBackendFactory().create(Map.of("threads", "2"))) {
            long steps = Trainer.builder().config(config).backend(backend).programs(TrainingPrograms.of(graphs, 1))
                    .trainData(new TinyBatches(objective, TinyModels.BERT_TOKENS, 1, 2, 8))
                    .runDirectory(Path.of(args[0])).build().train().steps();
            System.out.println("trained " + steps + " steps");
        }
    }
}
