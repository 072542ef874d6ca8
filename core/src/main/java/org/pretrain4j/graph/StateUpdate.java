package org.pretrain4j.graph;

import static java.util.Objects.requireNonNull;

/** After a run, {@code variable} takes the value of {@code next} (same dtype and shape). */
public record StateUpdate(Tensor variable, Tensor next) {
    public StateUpdate {
        requireNonNull(variable, "variable is null");
        requireNonNull(next, "next is null");
        if (!(variable.op() instanceof Op.Variable)) {
            throw new GraphException("state update target is not a variable: " + variable);
        }
        if (variable.dtype() != next.dtype() || !variable.shape().equals(next.shape())) {
            throw new GraphException("state update of '" + variable.name() + "' changes type: "
                    + variable.dtype() + variable.shape() + " -> " + next.dtype() + next.shape());
        }
    }
}
