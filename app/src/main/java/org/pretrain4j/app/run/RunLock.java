package org.pretrain4j.app.run;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.pretrain4j.app.UserException;
import org.pretrain4j.train.IoFailures;

/**
 * The one writer of a run folder: an exclusive {@link FileChannel#tryLock() lock} on
 * {@value #FILE_NAME} inside it, held until {@link #close()}, with the holder's PID, host, command
 * and start time written in the file so that a refused process can name it.
 *
 * <p>The operating system releases the lock when its process dies, however it dies, so a lock
 * from a killed process never blocks. The file itself is never deleted (deleting it would let two
 * processes lock two different files of the same name); a clean release empties it, so a file
 * that still names a holder when the lock is free was left by a process that did not exit
 * cleanly, and the taker reports that it takes it over.
 *
 * <p>{@code train}, {@code resume}, {@code evaluate} and {@code export} all take it: a reader
 * (evaluate, export) would otherwise see checkpoints that a writer prunes under it. The lock is
 * advisory: it keeps pretrain4j processes apart, not other programs.
 */
public final class RunLock implements AutoCloseable {
    /** The lock file's name inside a run folder. */
    public static final String FILE_NAME = ".lock";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final Thread onExit;

    private RunLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        // Ctrl-C or kill (SIGTERM) is a clean exit: the JVM may halt before close() runs, so empty the
        // file on the way out too, or the next process would report a crash that did not happen.
        // The lock itself stays held until the process is gone.
        this.onExit = new Thread(() -> {
            try {
                channel.truncate(0);
                channel.force(true);
            } catch (IOException e) {
                // The next holder reports a take-over it did not need to.
            }
        }, "pretrain4j-run-lock");
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /**
     * Locks {@code runDirectory} (which must exist) for {@code command}, or fails at once naming
     * the process that holds it; a lock left by a process that did not exit cleanly is taken over
     * and reported to {@code messages}.
     */
    public static RunLock acquire(Path runDirectory, String command, Consumer<String> messages) {
        requireNonNull(command, "command is null");
        requireNonNull(messages, "messages is null");
        Path file = runDirectory.toAbsolutePath().normalize().resolve(FILE_NAME);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw UserException.runtime("--run-dir: cannot open the lock file " + file + ": " + IoFailures.describe(e), e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // This JVM holds it already (a library user running two trainings on one folder).
            close(channel);
            throw inUse(runDirectory, file, " by this process (pid " + ProcessHandle.current().pid() + ")");
        } catch (IOException e) {
            close(channel);
            throw UserException.runtime("--run-dir: cannot lock " + file + ": " + IoFailures.describe(e), e);
        }
        if (lock == null) {
            Map<String, String> holder = read(channel);
            close(channel);
            throw inUse(runDirectory, file, " by " + describe(holder));
        }
        try {
            Map<String, String> previous = read(channel);
            if (!previous.isEmpty()) {
                messages.accept("Taking over the lock of " + runDirectory + " from " + describe(previous)
                        + ", which did not exit cleanly (killed or crashed); checkpoints are intact, anything newer than the last one was lost.");
            }
            String text = "pid=" + ProcessHandle.current().pid() + "\nhost=" + host() + "\ncommand=" + command
                    + "\nstarted=" + Instant.now() + "\n";
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(true);
        } catch (IOException e) {
            release(lock, channel);
            throw UserException.runtime("--run-dir: cannot write the lock file " + file + ": " + IoFailures.describe(e), e);
        }
        return new RunLock(file, channel, lock);
    }

    /** The lock file. */
    public Path file() {
        return file;
    }

    /** Empties the file (a clean exit) and releases the lock. */
    @Override
    public void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or about to: it empties the file too.
        }
        try {
            channel.truncate(0);
            channel.force(true);
        } catch (IOException e) {
            // The next holder reports a take-over it did not need to; the lock is released all the same.
        }
        release(lock, channel);
    }

    /** What the lock file of a held or abandoned lock says, as a phrase: "process 123 on host h (train since ...)". */
    static String describe(Map<String, String> holder) {
        if (holder.isEmpty()) {
            return "another process";
        }
        return "process " + holder.getOrDefault("pid", "?") + " on " + holder.getOrDefault("host", "?") + " ("
                + holder.getOrDefault("command", "?") + " since " + holder.getOrDefault("started", "?") + ")";
    }

    private static UserException inUse(Path runDirectory, Path file, String holder) {
        return UserException.runtime("--run-dir: '" + runDirectory + "' is in use" + holder
                + "; wait until it ends or stop it (Ctrl-C or kill, which write a checkpoint first), then run this command again.");
    }

    private static Map<String, String> read(FileChannel channel) {
        Map<String, String> fields = new LinkedHashMap<>();
        try {
            long size = Math.min(channel.size(), 4096);
            ByteBuffer buffer = ByteBuffer.allocate((int) size);
            int n = 0;
            while (buffer.hasRemaining() && n >= 0) {
                n = channel.read(buffer, buffer.position());
            }
            for (String line : new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    fields.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
        } catch (IOException e) {
            // Only used to name the holder.
        }
        return fields;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }

    private static void release(FileLock lock, FileChannel channel) {
        try {
            lock.release();
        } catch (IOException e) {
            // Closing the channel releases it too.
        }
        close(channel);
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing to do: the process keeps going or exits, and either way the lock goes.
        }
    }
}
