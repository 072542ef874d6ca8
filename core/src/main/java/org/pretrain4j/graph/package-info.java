/** A small symbolic tensor graph with shape inference, reverse-mode differentiation and AdamW, lowered by backends. */
package org.pretrain4j.graph;
