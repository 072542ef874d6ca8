package org.pretrain4j.graph;

import org.pretrain4j.data.RandomSource;

/** Draws initial values for variables, keyed by (seed, variable name) so every backend starts from the same numbers. */
public final class Initializer {
    private Initializer() {}

    /** Returns the initial values of a fixed-shape float variable. */
    public static float[] initialValues(Init init, Shape shape, String variableName, long seed) {
        int n = Math.toIntExact(shape.elementCount());
        float[] values = new float[n];
        if (init instanceof Init.Ones) {
            java.util.Arrays.fill(values, 1f);
        } else if (init instanceof Init.TruncatedNormal t) {
                RandomSource random = RandomSource.of(seed, 0, 0).fork("init:" + variableName);
                for (int i = 0; i < n; i++) {
                    double z;
                    do {
                        z = gaussian(random);
                    } while (Math.abs(z) > 2.0);
                    values[i] = (float) (z * t.std());
                }
        }
        return values;
    }

    private static double gaussian(RandomSource random) {
        // Box-Muller, one value per call: simple and reproducible.
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
