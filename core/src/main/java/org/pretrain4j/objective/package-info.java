/** Composition of objectives: {@code mlm+nsp} as one objective, with checks that the parts can work together. */
package org.pretrain4j.objective;
