package dev.openclaw.twin.sync;

/**
 * A file's content as sync knows it: its sha256, and the size and modification time it had when it
 * was hashed (a file whose size and time still match is not read again).
 */
record FileState(String sha256, long size, long modifiedMillis) {

    boolean sameContent(FileState other) {
        return other != null && sha256.equals(other.sha256);
    }

    static boolean same(FileState a, FileState b) {
        return a == null ? b == null : a.sameContent(b);
    }
}
