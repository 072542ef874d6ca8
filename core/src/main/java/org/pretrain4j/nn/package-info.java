/** The transformer (BERT encoder, GPT decoder) and shared layers, written with graph ops. */
package org.pretrain4j.nn;
