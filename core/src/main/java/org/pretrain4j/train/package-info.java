/**
 * The training loop: learning-rate schedules, exact gradient accumulation, evaluation, atomic
 * checkpoints with exact resume, and listeners for progress, logs and metrics files.
 */
package org.pretrain4j.train;
