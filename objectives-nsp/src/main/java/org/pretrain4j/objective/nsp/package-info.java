/** The sentence-pair objectives {@code nsp} (BERT's next sentence prediction) and {@code sop} (ALBERT's sentence order). */
package org.pretrain4j.objective.nsp;
