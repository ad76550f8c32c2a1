package dev.openclaw.twin.state;

import java.util.Optional;

/** The result of reading one state file: it is there, it is not, or it is there but unusable. */
public sealed interface StoreRead<T> {

    record Present<T>(T value) implements StoreRead<T> {}

    record Absent<T>() implements StoreRead<T> {}

    /** The file exists but cannot be used; {@code problem} says why, for a human. */
    record Corrupt<T>(String problem) implements StoreRead<T> {}

    default Optional<T> present() {
        return this instanceof Present<T> present ? Optional.of(present.value()) : Optional.empty();
    }
}
