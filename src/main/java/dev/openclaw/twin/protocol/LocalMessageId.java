package dev.openclaw.twin.protocol;

/** A message as one gateway names it: what {@code /v1/confirm} passes back. */
public record LocalMessageId(String channel, String conversationId, String messageId) {}
