package org.pretrain4j.app.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pretrain4j.app.UserException;

/** One writer per run folder: a second taker is refused naming the holder; an abandoned lock is taken over. */
final class RunLockTest {
    @Test
    void aSecondTakerInTheSameProcessIsRefusedUntilTheFirstReleases(@TempDir Path run) {
        List<String> messages = new ArrayList<>();
        try (RunLock first = RunLock.acquire(run, "train", messages::add)) {
            assertThatThrownBy(() -> RunLock.acquire(run, "resume", messages::add))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("is in use by this process (pid " + ProcessHandle.current().pid() + ")");
        }
        try (RunLock again = RunLock.acquire(run, "resume", messages::add)) {
            assertThat(again.file()).exists();
        }
        assertThat(messages).isEmpty();
    }

    @Test
    void theLockFileNamesTheHolderAndIsEmptiedOnRelease(@TempDir Path run) throws Exception {
        try (RunLock lock = RunLock.acquire(run, "evaluate", m -> {})) {
            assertThat(Files.readString(lock.file())).contains("pid=" + ProcessHandle.current().pid()).contains("command=evaluate")
                    .contains("host=").contains("started=");
        }
        assertThat(run.resolve(RunLock.FILE_NAME)).exists().isEmptyFile();
    }

    @Test
    void aLockLeftByAProcessThatDiedIsTakenOverWithAMessage(@TempDir Path run) throws Exception {
        // What a process killed with kill -9 leaves: the file still names it, but the operating system released its lock.
        Files.writeString(run.resolve(RunLock.FILE_NAME), "pid=999999\nhost=elsewhere\ncommand=train\nstarted=2026-01-01T00:00:00Z\n");
        List<String> messages = new ArrayList<>();
        try (RunLock lock = RunLock.acquire(run, "resume", messages::add)) {
            assertThat(Files.readString(lock.file())).contains("pid=" + ProcessHandle.current().pid()).contains("command=resume");
        }
        assertThat(messages).singleElement().asString().contains("Taking over the lock").contains("process 999999 on elsewhere")
                .contains("did not exit cleanly");
    }
}
