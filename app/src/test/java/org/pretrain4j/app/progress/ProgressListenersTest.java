package org.pretrain4j.app.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.app.cli.Output;
import org.pretrain4j.train.DataPosition;
import org.pretrain4j.train.EvalRecord;
import org.pretrain4j.train.JsonLinesMetricsWriter;
import org.pretrain4j.train.StepRecord;
import org.pretrain4j.train.TrainerConfig;
import org.pretrain4j.train.TrainingListener;
import org.pretrain4j.train.TrainingResult;
import org.pretrain4j.train.TrainingStart;

final class ProgressListenersTest {
    private static final TrainerConfig CONFIG = TrainerConfig.builder().steps(20).logEvery(5).build();

    private static Map<String, Double> terms(double maskedLm, double nextSentence) {
        Map<String, Double> terms = new java.util.LinkedHashMap<>();
        terms.put("masked_lm", maskedLm);
        terms.put("next_sentence", nextSentence);
        return terms;
    }

    private static StepRecord step(long step) {
        double loss = 10.0 / step;
        return new StepRecord(step, 20, 1e-3, loss, terms(0.8 * loss, 0.2 * loss),
                Map.of("masked_lm_accuracy", 0.1), 1.0, 8, 1000, 0.01, new DataPosition(0, step * 8));
    }

    private static EvalRecord eval(long step) {
        return new EvalRecord(step, 12.0 / step, terms(9.0 / step, 3.0 / step),
                Map.of("masked_lm_accuracy", 0.2, "next_sentence_accuracy", 0.7), 2, 16, 2000, 0.1);
    }

    private static void run(Path dir, long from, long to, TrainingListener... listeners) {
        TrainingStart start = new TrainingStart(CONFIG, dir, from, from > 0 ? Optional.of(dir.resolve("checkpoints")) : Optional.empty(), 2);
        for (TrainingListener l : listeners) {
            l.onStart(start);
        }
        for (long s = from + 1; s <= to; s++) {
            for (TrainingListener l : listeners) {
                l.onStep(step(s));
            }
            if (s % 10 == 0) {
                for (TrainingListener l : listeners) {
                    l.onEvaluation(eval(s));
                }
            }
        }
        for (TrainingListener l : listeners) {
            l.onFinish(new TrainingResult(to, false, Optional.of(step(to)), Optional.of(eval(to)), Optional.empty(), 1));
        }
    }

    @Test
    void plotsOnePngPerTermAndTheTotalWithTrainAndValidation(@TempDir Path dir) throws Exception {
        LossPlotListener plots = new LossPlotListener(dir);

        run(dir, 0, 20, new JsonLinesMetricsWriter(dir), plots);

        for (String name : new String[] {"loss.png", "loss-masked_lm.png", "loss-next_sentence.png"}) {
            Path png = dir.resolve(name);
            assertThat(png).exists();
            var image = ImageIO.read(png.toFile());
            assertThat(image.getWidth()).isEqualTo(800);
            assertThat(image.getHeight()).isEqualTo(480);
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp-"));
        }
    }

    @Test
    void aResumedRunPlotsTheHistoryBeforeTheCheckpoint(@TempDir Path dir) throws Exception {
        run(dir, 0, 10, new JsonLinesMetricsWriter(dir), new LossPlotListener(dir));
        byte[] firstHalf = Files.readAllBytes(dir.resolve("loss.png"));
        LossPlotListener resumed = new LossPlotListener(dir);

        run(dir, 10, 20, new JsonLinesMetricsWriter(dir), resumed);

        assertThat(Files.readAllBytes(dir.resolve("loss.png"))).isNotEqualTo(firstHalf);
        // 20 steps in all: the history's steps 5 and 10 (logged every 5) then 11..20 from this process.
        assertThat(resumed.files()).containsKeys("loss", "masked_lm", "next_sentence");
    }

    @Test
    void logLinesReportLossThroughputEtaEvaluationsAndCheckpoints(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        Output output = new Output(new PrintWriter(new StringWriter()), new PrintWriter(err, true), false);
        LogLineListener log = new LogLineListener(output);

        run(dir, 0, 20, log);
        log.onCheckpoint(20, dir.resolve("checkpoints/step-00000020"));

        String text = err.toString();
        assertThat(text.lines().filter(l -> l.startsWith("step "))).hasSize(4);
        assertThat(text).contains("step 5/20  loss 2.0000 (masked_lm 1.600, next_sentence 0.400)")
                .contains("tokens/s").contains("ETA")
                .contains("eval step 10  loss 1.2000").contains("next_sentence_accuracy=0.7000")
                .contains("checkpoint step-00000020 written");
    }

    @Test
    void theProgressBarWritesToTheOutputItIsGivenNotToSystemErr(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        java.io.PrintStream systemErr = System.err;
        java.io.ByteArrayOutputStream stray = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(stray, true));
        try {
            ProgressBarListener bar = new ProgressBarListener(new Output(new PrintWriter(new StringWriter()), new PrintWriter(err), true));
            run(dir, 0, 20, bar);
            bar.onMessage("checkpoint written");
        } finally {
            System.setErr(systemErr);
        }

        assertThat(err.toString()).contains("\rtrain").contains("20/20").contains("eval step 10").contains("eval step 20")
                .contains("note: checkpoint written");
        assertThat(stray.toString()).isEmpty();
    }
}
