package dev.openclaw.twin.state;

/**
 * Text that came from the share (names, versions, details, who set an override) made safe to show:
 * without control characters a terminal would obey (ESC sequences, BEL, other C0 and C1 codes) or
 * that reorder what a reader sees (bidirectional overrides and isolates), and bounded in length.
 */
public final class ShareText {

    /** Longer text is cut, with an ellipsis. */
    public static final int MAX_LENGTH = 200;

    private ShareText() {}

    /** {@code text} without control characters and cut to {@link #MAX_LENGTH}; null stays null. */
    public static String printable(String text) {
        return printable(text, MAX_LENGTH);
    }

    public static String printable(String text, int maxLength) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxLength + 1));
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (isControl(c)) {
                continue;
            }
            if (out.length() >= maxLength) {
                out.append('…');
                break;
            }
            out.appendCodePoint(c);
        }
        return out.toString();
    }

    /** Whether {@code text} holds nothing {@link #printable} would strip. */
    public static boolean isPrintable(String text) {
        return text.codePoints().noneMatch(ShareText::isControl);
    }

    private static boolean isControl(int c) {
        return c < 0x20 // C0, including ESC, BEL, CR, LF, TAB
                || (c >= 0x7f && c <= 0x9f) // DEL and C1 (CSI, OSC...)
                || c == 0x061c // Arabic letter mark
                || c == 0x200e
                || c == 0x200f // left-to-right / right-to-left marks
                || (c >= 0x202a && c <= 0x202e) // embeddings and overrides
                || (c >= 0x2066 && c <= 0x2069) // isolates
                || c == 0x2028
                || c == 0x2029 // line and paragraph separators
                || c == 0xfeff
                || Character.getType(c) == Character.SURROGATE; // a lone half of a pair
    }
}
