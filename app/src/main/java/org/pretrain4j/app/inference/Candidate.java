package org.pretrain4j.app.inference;

/** One predicted token with its probability and, for fill-mask, the text with it filled in. */
public record Candidate(int id, String token, double probability, String sequence) {}
