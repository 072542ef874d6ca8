package org.pretrain4j.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pretrain4j.graph.Executable;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Program;
import org.pretrain4j.spi.Backend;

/**
 * The executables of one run, compiled on the backend and registered with their {@link SharedState};
 * runs them with the state kept consistent, and closes them all at the end of the run.
 */
final class CompiledPrograms {
    private final Backend backend;
    private final SharedState state = new SharedState();
    private final List<Executable> compiled = new ArrayList<>();
    private final Map<Executable, Program> programByExecutable = new HashMap<>();

    CompiledPrograms(Backend backend) {
        this.backend = backend;
    }

    /** Compiles {@code program}; the first executable to declare a variable holds its initial value. */
    Executable compile(Program program) {
        Executable e = backend.compile(program);
        compiled.add(e);
        programByExecutable.put(e, program);
        state.register(e, program);
        return e;
    }

    SharedState state() {
        return state;
    }

    /** Runs {@code exec} on the inputs its program declares, after copying in variables updated elsewhere. */
    Map<String, HostTensor> run(Executable exec, Map<String, HostTensor> inputs) {
        state.beforeRun(exec);
        Program program = programByExecutable.get(exec);
        Map<String, HostTensor> out = exec.run(ProgramInputs.select(inputs, ProgramInputs.names(program), program));
        state.afterRun(exec);
        return out;
    }

    /** Closes every executable; a failure while closing is added to {@code failure} (nullable) and otherwise dropped. */
    void closeAll(RuntimeException failure) {
        for (Executable e : compiled) {
            try {
                e.close();
            } catch (RuntimeException closing) {
                if (failure != null) {
                    failure.addSuppressed(closing);
                }
            }
        }
    }
}
