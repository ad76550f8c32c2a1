package dev.openclaw.twin.config;

/** A credential or secret URL. Its {@link #toString()} never shows the value, so it cannot leak into logs. */
public record Secret(String value) {

    public Secret {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("a secret cannot be empty");
        }
    }

    @Override
    public String toString() {
        return "Secret[***]";
    }
}
