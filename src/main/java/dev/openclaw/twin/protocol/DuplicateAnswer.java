package dev.openclaw.twin.protocol;

/** A message this twin answered without a claim while the store was down, that another twin answered too. */
public record DuplicateAnswer(String key, String other) {}
