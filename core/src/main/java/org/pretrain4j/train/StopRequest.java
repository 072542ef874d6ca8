package org.pretrain4j.train;

/**
 * A request to stop a run after the step in progress, from any thread (a Ctrl-C handler): the run
 * then writes a checkpoint there and returns normally, to be resumed exactly later.
 */
final class StopRequest {
    private volatile boolean requested;

    void request() {
        requested = true;
    }

    /** Whether the run stops after {@code step}; never after the last step, which ends the run anyway. */
    boolean stopsAfter(long step, boolean end) {
        return requested && !end;
    }
}
