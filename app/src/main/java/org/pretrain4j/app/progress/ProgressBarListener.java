package org.pretrain4j.app.progress;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.pretrain4j.app.cli.Output;
import org.pretrain4j.train.EvalRecord;
import org.pretrain4j.train.StepRecord;
import org.pretrain4j.train.TrainingListener;
import org.pretrain4j.train.TrainingResult;
import org.pretrain4j.train.TrainingStart;

/** A terminal progress bar with loss, tokens/s and ETA; evaluations and messages print above it. */
final class ProgressBarListener implements TrainingListener {
    private final Output output;
    private ProgressBar bar;
    private Throughput throughput;
    private String lastEval = "";

    ProgressBarListener(Output output) {
        this.output = requireNonNull(output, "output is null");
        // progressbar 0.10 asks JLine for the deprecated jansi provider; the warning is noise for users.
        if (System.getProperty("org.jline.terminal.disableDeprecatedProviderWarning") == null) {
            System.setProperty("org.jline.terminal.disableDeprecatedProviderWarning", "true");
        }
    }

    @Override
    public void onStart(TrainingStart start) {
        throughput = new Throughput(start.startStep());
        bar = new ProgressBarBuilder()
                .setTaskName(start.resumedFrom().isPresent() ? "resume" : "train")
                .setInitialMax(start.config().steps())
                .startsFrom(start.startStep(), Duration.ZERO)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                .setUpdateIntervalMillis(250)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setUnit(" steps", 1)
                .build();
    }

    @Override
    public void onStep(StepRecord r) {
        double rate = throughput.add(r.tokens(), r.seconds());
        bar.stepTo(r.step());
        bar.setExtraMessage(String.format("loss %.3f | %.0f tok/s%s", r.loss(), rate, lastEval));
    }

    @Override
    public void onEvaluation(EvalRecord r) {
        lastEval = String.format(" | val %.3f", r.loss());
        // Above the bar: the bar redraws itself on the next line.
        System.err.printf("%neval step %d  loss %.4f (%s)  %s%n", r.step(), r.loss(), Describe.terms(r.termLosses()),
                Describe.metrics(r.metrics()));
    }

    @Override
    public void onMessage(String message) {
        System.err.println();
        System.err.println("note: " + message);
    }

    @Override
    public void onFinish(TrainingResult result) {
        close();
    }

    @Override
    public void onFailure(RuntimeException error) {
        close();
    }

    private void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        output.err().flush();
    }
}
