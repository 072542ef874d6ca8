/** The {@code mlm} objective (BERT's masked language model) and its masking strategies {@code bert}, {@code whole-word} and {@code span}. */
package org.pretrain4j.objective.mlm;
