package org.pretrain4j.testkit;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.pretrain4j.graph.Autodiff;
import org.pretrain4j.graph.HostTensor;
import org.pretrain4j.graph.Op;
import org.pretrain4j.graph.Tensor;

/**
 * Compares {@link Autodiff}'s gradients, evaluated in float64 by the {@link ReferenceInterpreter},
 * with central differences of the loss.
 *
 * <p>Step: {@code h = 1e-5 * max(1, |x|)}, near the cube root of float64's epsilon, where the
 * truncation error (h^2) and the rounding error (eps * |loss| / h) of a central difference are
 * both about 1e-11. Error per element: {@code |analytic - numeric| / max(|analytic|, |numeric|, 1e-3)};
 * the floor of 1e-3 keeps gradients that are zero or nearly zero from turning rounding noise into a
 * large relative error, while a wrong gradient of size 1e-4 or more still shows up as an error of
 * at least 0.1. Only the nodes downstream of a perturbed tensor are recomputed, so a graph with a
 * few thousand parameters checks every element in well under a second.
 */
public final class GradientChecker {
    /** The absolute floor of the relative error's denominator. */
    public static final double FLOOR = 1e-3;
    private static final double STEP = 1e-5;

    private GradientChecker() {}

    /** The outcome: the largest relative error and where it was. */
    public record Report(double maxRelativeError, String where, int elementsChecked) {}

    /**
     * The largest relative error over every element of every wrt tensor, with every Variable the
     * loss depends on set to random values drawn from {@code seed}: uniform in +-[0.2, 1.0], never zero.
     */
    public static double maxRelativeError(Tensor loss, List<Tensor> wrt, Map<String, HostTensor> inputs, long seed) {
        return check(loss, wrt, ReferenceInterpreter.widen(inputs), seed, Integer.MAX_VALUE).maxRelativeError();
    }

    /**
     * Checks the gradients of {@code loss} with respect to {@code wrt} (Variables, Inputs or any FLOAT32
     * node, whose value is then replaced by the perturbed one). Float64 inputs let a caller feed values
     * that float32 cannot hold. At most {@code maxElementsPerTensor} elements of each wrt tensor are
     * perturbed, chosen at random from the seed: the analytic gradient is still computed in full, and
     * a broken rule typically corrupts every element, so a sample finds it too.
     */
    public static Report check(Tensor loss, List<Tensor> wrt, Map<String, NdArray> inputs, long seed, int maxElementsPerTensor) {
        requireNonNull(loss, "loss is null");
        requireNonNull(wrt, "wrt is null");
        return check(loss, wrt, Autodiff.gradients(loss, wrt), inputs, Map.of(), seed, maxElementsPerTensor);
    }

    /**
     * As {@link #check(Tensor, List, Map, long, int)}, with the values of some variables given (e.g. a
     * model's real initial values); variables not in {@code variables} get random values.
     */
    public static Report check(Tensor loss, List<Tensor> wrt, Map<String, NdArray> inputs, Map<String, NdArray> variables,
                               long seed, int maxElementsPerTensor) {
        requireNonNull(loss, "loss is null");
        requireNonNull(wrt, "wrt is null");
        return check(loss, wrt, Autodiff.gradients(loss, wrt), inputs, variables, seed, maxElementsPerTensor);
    }

    /** Checks given gradient tensors (one per wrt, same shapes) instead of Autodiff's: for testing other gradient code, and this checker. */
    public static Report check(Tensor loss, List<Tensor> wrt, List<Tensor> gradients, Map<String, NdArray> inputs, long seed,
                               int maxElementsPerTensor) {
        return check(loss, wrt, gradients, inputs, Map.of(), seed, maxElementsPerTensor);
    }

    private static Report check(Tensor loss, List<Tensor> wrt, List<Tensor> gradients, Map<String, NdArray> inputs,
                                Map<String, NdArray> givenVariables, long seed, int maxElementsPerTensor) {
        requireNonNull(gradients, "gradients is null");
        if (gradients.size() != wrt.size()) {
            throw new IllegalArgumentException(wrt.size() + " wrt tensors but " + gradients.size() + " gradients");
        }
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, NdArray> variables = randomVariables(loss, random);
        variables.putAll(givenVariables);
        ReferenceInterpreter interpreter = new ReferenceInterpreter(inputs, variables);
        double baseLoss = interpreter.evaluate(loss).doubleValue();
        if (!Double.isFinite(baseLoss)) {
            throw new IllegalStateException("loss is not finite: " + baseLoss);
        }
        List<NdArray> analytic = new ArrayList<>();
        for (Tensor grad : gradients) {
            analytic.add(interpreter.evaluate(grad));
        }
        Set<Integer> ancestors = ancestors(loss);
        double worst = 0;
        String where = "nothing checked";
        int checked = 0;
        for (int w = 0; w < wrt.size(); w++) {
            Tensor x = wrt.get(w);
            NdArray base = interpreter.evaluate(x);
            double[] analyticValues = analytic.get(w).doubles();
            if (analyticValues.length != base.size()) {
                throw new IllegalStateException("gradient of " + x + " has " + analyticValues.length + " elements, the tensor " + base.size());
            }
            if (!ancestors.contains(x.id())) {
                for (int i = 0; i < analyticValues.length; i++) {
                    double error = Math.abs(analyticValues[i]) / FLOOR;
                    if (error > worst) {
                        worst = error;
                        where = x + " element " + i + " (no path to the loss): analytic " + analyticValues[i];
                    }
                }
                continue;
            }
            List<Tensor> downstream = downstream(x, loss, ancestors);
            NdArray perturbed = base.copy();
            interpreter.set(x, perturbed);
            double[] values = perturbed.doubles();
            for (int i : elements(values.length, maxElementsPerTensor, random)) {
                double original = values[i];
                double h = STEP * Math.max(1, Math.abs(original));
                values[i] = original + h;
                interpreter.recompute(downstream);
                double plus = interpreter.evaluate(loss).doubleValue();
                values[i] = original - h;
                interpreter.recompute(downstream);
                double minus = interpreter.evaluate(loss).doubleValue();
                values[i] = original;
                double numeric = (plus - minus) / (2 * h);
                double a = analyticValues[i];
                double error = Math.abs(a - numeric) / Math.max(FLOOR, Math.max(Math.abs(a), Math.abs(numeric)));
                if (!(error <= worst)) {
                    worst = Double.isNaN(error) ? Double.POSITIVE_INFINITY : error;
                    where = x + " element " + i + ": analytic " + a + ", numeric " + numeric;
                }
                checked++;
            }
            interpreter.set(x, base);
            interpreter.recompute(downstream);
        }
        return new Report(worst, where, checked);
    }

    /** Random non-zero values for every Variable the loss depends on. */
    private static Map<String, NdArray> randomVariables(Tensor loss, SplittableRandom random) {
        Map<String, NdArray> values = new HashMap<>();
        List<Tensor> all = new ArrayList<>(loss.graph().nodes().subList(0, loss.id() + 1));
        Set<Integer> ancestors = ancestors(loss);
        for (Tensor t : all) {
            if (t.op() instanceof Op.Variable v && ancestors.contains(t.id())) {
                double[] d = new double[Math.toIntExact(t.shape().elementCount())];
                for (int i = 0; i < d.length; i++) {
                    double magnitude = 0.2 + 0.8 * random.nextDouble();
                    d[i] = random.nextBoolean() ? magnitude : -magnitude;
                }
                values.put(v.name(), NdArray.ofDoubles(t.shape().fixedSizes(), d));
            }
        }
        return values;
    }

    private static Set<Integer> ancestors(Tensor t) {
        Set<Integer> seen = new HashSet<>();
        ArrayList<Tensor> stack = new ArrayList<>(List.of(t));
        while (!stack.isEmpty()) {
            Tensor x = stack.remove(stack.size() - 1);
            if (seen.add(x.id())) {
                stack.addAll(x.inputs());
            }
        }
        return seen;
    }

    /** Nodes between x (exclusive) and the loss (inclusive) that depend on x, in id order. */
    private static List<Tensor> downstream(Tensor x, Tensor loss, Set<Integer> ancestors) {
        List<Tensor> nodes = loss.graph().nodes().subList(x.id() + 1, loss.id() + 1);
        Set<Integer> affected = new HashSet<>(Set.of(x.id()));
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : nodes) {
            if (!ancestors.contains(t.id())) {
                continue;
            }
            for (Tensor in : t.inputs()) {
                if (affected.contains(in.id())) {
                    affected.add(t.id());
                    out.add(t);
                    break;
                }
            }
        }
        return out;
    }

    private static int[] elements(int n, int max, SplittableRandom random) {
        if (n <= max) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        // A partial Fisher-Yates shuffle: max distinct indices.
        int[] pool = new int[n];
        for (int i = 0; i < n; i++) {
            pool[i] = i;
        }
        for (int i = 0; i < max; i++) {
            int j = i + random.nextInt(n - i);
            int tmp = pool[i];
            pool[i] = pool[j];
            pool[j] = tmp;
        }
        return java.util.Arrays.copyOf(pool, max);
    }
}
