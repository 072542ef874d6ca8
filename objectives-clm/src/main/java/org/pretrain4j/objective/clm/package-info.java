/** The {@code clm} objective (GPT's causal language model) and the unigram baseline of its learning check. */
package org.pretrain4j.objective.clm;
