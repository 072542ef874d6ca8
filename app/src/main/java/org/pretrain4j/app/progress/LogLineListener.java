package org.pretrain4j.app.progress;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import org.pretrain4j.app.cli.Output;
import org.pretrain4j.train.EvalRecord;
import org.pretrain4j.train.StepRecord;
import org.pretrain4j.train.TrainingListener;
import org.pretrain4j.train.TrainingResult;
import org.pretrain4j.train.TrainingStart;

/** Plain progress lines for logs and pipes: a line every log interval, each evaluation and checkpoint. */
final class LogLineListener implements TrainingListener {
    private final Output output;
    private Throughput throughput;
    private long logEvery = 1;

    LogLineListener(Output output) {
        this.output = requireNonNull(output, "output is null");
    }

    @Override
    public void onStart(TrainingStart start) {
        throughput = new Throughput(start.startStep());
        logEvery = Math.max(1, start.config().logEvery());
        output.err().println((start.resumedFrom().isPresent() ? "Resuming from " + start.resumedFrom().get() + " at step "
                + start.startStep() : "Training") + " to step " + start.config().steps() + " on " + start.threads()
                + " threads; run folder " + start.runDirectory());
        output.err().flush();
    }

    @Override
    public void onStep(StepRecord r) {
        double rate = throughput.add(r.tokens(), r.seconds());
        if (r.step() % logEvery == 0 || r.step() == r.totalSteps()) {
            output.err().printf("step %d/%d  loss %.4f (%s)  lr %.2e  %,.0f tokens/s  ETA %s%n", r.step(), r.totalSteps(),
                    r.loss(), Describe.terms(r.termLosses()), r.learningRate(), rate,
                    Throughput.format(throughput.remaining(r.step(), r.totalSteps())));
            output.err().flush();
        }
    }

    @Override
    public void onEvaluation(EvalRecord r) {
        output.err().printf("eval step %d  loss %.4f (%s)  %s%n", r.step(), r.loss(), Describe.terms(r.termLosses()),
                Describe.metrics(r.metrics()));
        output.err().flush();
    }

    @Override
    public void onCheckpoint(long step, Path directory) {
        output.err().println("checkpoint " + directory.getFileName() + " written");
        output.err().flush();
    }

    @Override
    public void onMessage(String message) {
        output.err().println("note: " + message);
        output.err().flush();
    }

    @Override
    public void onFinish(TrainingResult result) {
        output.err().flush();
    }
}
