package org.pretrain4j.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pretrain4j.graph.Executable;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Program;
import org.pretrain4j.graph.StateUpdate;
import org.pretrain4j.graph.Tensor;
import org.pretrain4j.train.checkpoint.CheckpointException;

/**
 * Keeps variables that several executables share (the accumulate and apply steps, the evaluation
 * program) consistent: it remembers which executables hold the newest value of each variable and,
 * before an executable runs, copies in the values it lacks. Each executable owns its own state
 * (the SPI), so this is the only way they share it; with a single fused step nothing is copied.
 */
final class SharedState {
    private final Map<Executable, Set<String>> variables = new LinkedHashMap<>();
    private final Map<Executable, Set<String>> updated = new HashMap<>();
    private final Map<String, Set<Executable>> fresh = new LinkedHashMap<>();

    /** Adds an executable; a variable seen for the first time is fresh in it (its initial value). */
    void register(Executable executable, Program program) {
        Set<String> names = new LinkedHashSet<>();
        for (Tensor v : program.variables()) {
            names.add(v.name());
        }
        Set<String> changes = new LinkedHashSet<>();
        for (StateUpdate u : program.updates()) {
            changes.add(u.variable().name());
        }
        variables.put(executable, names);
        updated.put(executable, changes);
        for (String n : names) {
            Set<Executable> holders = fresh.computeIfAbsent(n, k -> new LinkedHashSet<>());
            if (holders.isEmpty()) {
                holders.add(executable);
            }
        }
    }

    /** Every variable name of every registered executable. */
    Set<String> names() {
        return fresh.keySet();
    }

    /** Copies into {@code executable} the variables whose newest value is elsewhere. */
    void beforeRun(Executable executable) {
        Map<Executable, List<String>> bySource = new LinkedHashMap<>();
        for (String n : variables.get(executable)) {
            Set<Executable> holders = fresh.get(n);
            if (!holders.contains(executable)) {
                bySource.computeIfAbsent(holders.iterator().next(), k -> new ArrayList<>()).add(n);
            }
        }
        for (Map.Entry<Executable, List<String>> e : bySource.entrySet()) {
            Map<String, HostTensor> state = e.getKey().readState();
            Map<String, HostTensor> wanted = new LinkedHashMap<>();
            for (String n : e.getValue()) {
                wanted.put(n, state.get(n));
                fresh.get(n).add(executable);
            }
            executable.loadState(wanted);
        }
    }

    /** Records that {@code executable} ran: the variables it updates are now newest there only. */
    void afterRun(Executable executable) {
        for (String n : updated.get(executable)) {
            Set<Executable> holders = fresh.get(n);
            holders.clear();
            holders.add(executable);
        }
    }

    /** The newest value of every variable. */
    Map<String, HostTensor> read() {
        Map<Executable, Map<String, HostTensor>> cache = new HashMap<>();
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Set<Executable>> e : fresh.entrySet()) {
            Executable source = e.getValue().iterator().next();
            out.put(e.getKey(), cache.computeIfAbsent(source, Executable::readState).get(e.getKey()));
        }
        return out;
    }

    private static boolean isAccumulator(String name) {
        return name.startsWith(TrainingGraphs.GRADIENT_ACCUMULATOR_PREFIX);
    }

    /**
     * Replaces the initial values of the variables {@code values} names in every executable that
     * has them; each executable then holds the same, newest value. An unknown name fails naming it.
     */
    void loadInitial(Map<String, HostTensor> values) {
        for (String n : values.keySet()) {
            if (!fresh.containsKey(n)) {
                throw new CheckpointException("the initial values name variable '" + n + "', which this model does not have");
            }
        }
        for (Map.Entry<Executable, Set<String>> e : variables.entrySet()) {
            Map<String, HostTensor> part = new LinkedHashMap<>();
            for (String n : e.getValue()) {
                if (values.containsKey(n)) {
                    part.put(n, values.get(n));
                }
            }
            e.getKey().loadState(part);
        }
        for (String n : values.keySet()) {
            Set<Executable> holders = fresh.get(n);
            holders.clear();
            for (Map.Entry<Executable, Set<String>> v : variables.entrySet()) {
                if (v.getValue().contains(n)) {
                    holders.add(v.getKey());
                }
            }
        }
    }

    /** Loads a full state into every executable; names must match the variables exactly, gradient accumulators aside. */
    void load(Map<String, HostTensor> checkpoint, String origin) {
        // Gradient accumulators are zero between steps, so a run may resume with another
        // accumulation setting: missing ones keep their zero start, extra ones are dropped.
        Map<String, HostTensor> state = new LinkedHashMap<>(checkpoint);
        state.keySet().removeIf(n -> isAccumulator(n) && !fresh.containsKey(n));
        for (String n : fresh.keySet()) {
            if (!state.containsKey(n) && !isAccumulator(n)) {
                throw new CheckpointException(origin + " has no value for variable '" + n
                        + "'; it was written for a different model or optimizer configuration");
            }
        }
        for (String n : state.keySet()) {
            if (!fresh.containsKey(n)) {
                throw new CheckpointException(origin + " has variable '" + n
                        + "' that this model does not have; it was written for a different model configuration");
            }
        }
        for (Map.Entry<Executable, Set<String>> e : variables.entrySet()) {
            Map<String, HostTensor> part = new LinkedHashMap<>();
            for (String n : e.getValue()) {
                if (state.containsKey(n)) {
                    part.put(n, state.get(n));
                }
            }
            e.getKey().loadState(part);
        }
        for (Map.Entry<String, Set<Executable>> e : fresh.entrySet()) {
            if (!state.containsKey(e.getKey())) {
                continue;
            }
            e.getValue().clear();
            for (Map.Entry<Executable, Set<String>> v : variables.entrySet()) {
                if (v.getValue().contains(e.getKey())) {
                    e.getValue().add(v.getKey());
                }
            }
        }
    }
}
