package org.pretrain4j.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** Java's file exceptions often carry only a path; the one-line message must carry the reason. */
final class IoFailuresTest {
    @Test
    void namesTheOperatingSystemsReason() {
        assertThat(IoFailures.describe(new AccessDeniedException("/runs/a"))).isEqualTo("permission denied: /runs/a");
        assertThat(IoFailures.describe(new NoSuchFileException("/runs/b"))).isEqualTo("no such file or folder: /runs/b");
        assertThat(IoFailures.describe(new FileSystemException("/runs/c", null, "No space left on device")))
                .isEqualTo("No space left on device: /runs/c");
        assertThat(IoFailures.describe(new UncheckedIOException(new IOException("No space left on device"))))
                .isEqualTo("No space left on device");
        assertThat(IoFailures.describe(new IOException((String) null))).isEqualTo("IOException");
    }

    @Test
    void recognisesAFullDiskAnywhereInTheCauses() {
        assertThat(IoFailures.isDiskFull(new RuntimeException("Cannot write", new IOException("No space left on device")))).isTrue();
        assertThat(IoFailures.isDiskFull(new IOException("Disk quota exceeded"))).isTrue();
        assertThat(IoFailures.isDiskFull(new IOException("Is a directory"))).isFalse();
    }
}
