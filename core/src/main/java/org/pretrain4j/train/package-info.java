/**
 * The training loop: learning-rate schedules, exact gradient accumulation, evaluation, atomic
 * checkpoints with exact resume, and listeners for progress, logs and metrics files.
 *
 * <p>Use as a library:
 * <pre>{@code
 * TrainerConfig config = TrainerConfig.builder().steps(10_000).batchSize(32).learningRate(5e-4).build();
 * TrainingGraphs graphs = new TrainingGraphs(model, specialTokens, objective, config.optimizer(), config.seed());
 * TrainingResult result = Trainer.builder()
 *         .config(config).backend(backend)
 *         .programs(TrainingPrograms.of(graphs, config.accumulationSteps()))
 *         .objective(objective)
 *         .trainData(trainBatches).evalData(heldOutBatches)   // BatchSource: restartable at a DataPosition
 *         .runDirectory(runDirectory)                          // checkpoints/ and metrics.jsonl
 *         .listener(progressBar)
 *         .build()
 *         .train();                                            // or resume()
 * }</pre>
 */
package org.pretrain4j.train;
