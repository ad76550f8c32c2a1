package dev.openclaw.twin.files;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as lower-case hex: of bytes, of text (UTF-8), of a file, or of what passes through a stream. */
public final class Sha256 {

    private Sha256() {}

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    public static String hex(String text) {
        return hex(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The hash of {@code file}'s content, read as a stream (never whole into memory); {@code options} as for opening it. */
    public static String hex(Path file, LinkOption... options) throws IOException {
        try (Hashing in = hashing(Files.newInputStream(file, options))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return in.hex();
        }
    }

    /** A stream that hashes every byte read through it; {@link Hashing#hex()} once read to the end. */
    public static Hashing hashing(InputStream in) {
        return new Hashing(in);
    }

    /** An input stream hashing what is read through it. */
    public static final class Hashing extends FilterInputStream {

        private final MessageDigest digest = digest();

        private Hashing(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                digest.update((byte) b);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                digest.update(b, off, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // Skipped bytes must be hashed too: read them.
            return transferTo(java.io.OutputStream.nullOutputStream(), n);
        }

        private long transferTo(java.io.OutputStream out, long n) throws IOException {
            byte[] buffer = new byte[8192];
            long done = 0;
            while (done < n) {
                int r = read(buffer, 0, (int) Math.min(buffer.length, n - done));
                if (r < 0) {
                    break;
                }
                done += r;
            }
            return done;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        /** The hash of everything read so far. */
        public String hex() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
