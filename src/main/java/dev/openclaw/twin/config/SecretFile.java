package dev.openclaw.twin.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads the secret a {@code file:/path} value names: a regular file of at most {@link #MAX_BYTES}, as
 * UTF-8, trimmed. Anything else ({@code /dev/zero}, a FIFO, a directory, a huge file) is refused
 * before it is opened, so it can neither exhaust the heap nor block the reader.
 */
final class SecretFile {

    static final int MAX_BYTES = 64 * 1024;

    /** Why a secret file cannot be used; the message names the file, never its content. */
    static final class Unusable extends Exception {
        Unusable(String message) {
            super(message);
        }
    }

    private SecretFile() {}

    static String read(Path file) throws Unusable {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new Unusable("secret file " + file + " does not exist");
        } catch (IOException e) {
            throw new Unusable(
                    "cannot read secret file " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        if (attributes.isDirectory()) {
            throw new Unusable("secret file " + file + " is a directory, not a file");
        }
        if (!attributes.isRegularFile()) {
            throw new Unusable("secret file " + file + " is not a regular file (a device, FIFO or socket)");
        }
        if (attributes.size() > MAX_BYTES) {
            throw new Unusable("secret file " + file + " is larger than 64 KB (" + attributes.size() + " bytes)");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            // Bounded again: the file may have grown since its size was read.
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (AccessDeniedException e) {
            throw new Unusable("cannot read secret file " + file + " (permission denied)");
        } catch (IOException e) {
            throw new Unusable(
                    "cannot read secret file " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        if (bytes.length > MAX_BYTES) {
            throw new Unusable("secret file " + file + " is larger than 64 KB");
        }
        String content;
        try {
            content = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString()
                    .strip();
        } catch (CharacterCodingException e) {
            throw new Unusable("secret file " + file + " is not UTF-8 text");
        }
        if (content.isEmpty()) {
            throw new Unusable("secret file " + file + " is empty");
        }
        return content;
    }
}
