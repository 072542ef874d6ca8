package org.pretrain4j.app.progress;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
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
                .setConsumer(new OutputConsumer(output.err(), terminalWidth()))
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
        output.err().printf("%neval step %d  loss %.4f (%s)  %s%n", r.step(), r.loss(), Describe.terms(r.termLosses()),
                Describe.metrics(r.metrics()));
        output.err().flush();
    }

    @Override
    public void onMessage(String message) {
        output.err().println();
        output.err().println("note: " + message);
        output.err().flush();
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

    /** The terminal's width from {@code COLUMNS} when the shell exports it, else 100 (the bar shortens its message to fit). */
    private static int terminalWidth() {
        try {
            int columns = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", ""));
            return columns >= 40 ? columns : 100;
        } catch (NumberFormatException e) {
            return 100;
        }
    }

    /** Redraws the bar in place on the {@link Output}'s error writer: a carriage return, then the line. */
    static final class OutputConsumer implements ProgressBarConsumer {
        private final PrintWriter err;
        private final int width;

        OutputConsumer(PrintWriter err, int width) {
            this.err = requireNonNull(err, "err is null");
            this.width = width;
        }

        @Override
        public int getMaxRenderedLength() {
            return width;
        }

        @Override
        public void accept(String rendered) {
            err.print('\r');
            err.print(rendered);
            err.flush();
        }

        @Override
        public void close() {
            err.println();
            err.flush();
        }
    }
}
