package org.pretrain4j.app.run;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.pretrain4j.train.Trainer;

/**
 * Ctrl-C during a run: a shutdown hook asks the trainer to finish the step and write a checkpoint,
 * and holds the JVM's exit (up to two minutes) until the run has returned; 'resume' then continues
 * exactly. Installed for the length of one run; closing removes it.
 */
final class StopOnShutdown implements AutoCloseable {
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    StopOnShutdown(Trainer trainer) {
        this.hook = new Thread(() -> {
            trainer.requestStop();
            try {
                finished.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "pretrain4j-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running: the JVM exits once it returns.
        }
    }
}
