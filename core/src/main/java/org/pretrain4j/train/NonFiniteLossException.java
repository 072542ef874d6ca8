package org.pretrain4j.train;

import java.nio.file.Path;
import java.util.Optional;

/** A step produced a NaN or infinite loss (or gradient norm); names the step, the term and the last good checkpoint. */
public final class NonFiniteLossException extends TrainingException {
    private static final long serialVersionUID = 1L;

    private final long step;
    private final String term;
    private final transient Optional<Path> lastGoodCheckpoint;

    public NonFiniteLossException(long step, String term, String detail, Optional<Path> lastGoodCheckpoint) {
        super("Training stopped at step " + step + ": " + detail + ". Last good checkpoint: "
                + lastGoodCheckpoint.map(Path::toString).orElse("none (no checkpoint was written yet)")
                + ". Lower the learning rate or lengthen the warm-up and train again; resuming would repeat the same steps with the same settings.");
        this.step = step;
        this.term = term;
        this.lastGoodCheckpoint = lastGoodCheckpoint;
    }

    /** The step whose loss was not finite. */
    public long step() {
        return step;
    }

    /** The loss term that went bad, or "gradient_norm" when every term was finite but the gradients were not. */
    public String term() {
        return term;
    }

    /** The newest checkpoint written before the failure, if any. */
    public Optional<Path> lastGoodCheckpoint() {
        return lastGoodCheckpoint;
    }
}
