// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.logging;

/** Text from outside (payloads, headers, frames) made fit for one log line or one error message. */
public final class LogText {
    /** Longer text is cut: a message that quotes a request must not be as large as the request. */
    public static final int MAX = 200;

    private LogText() {
    }

    /** Control characters and backslashes escaped, cut to about {@value #MAX} characters. */
    public static String printable(String text) {
        return escape(text, MAX);
    }

    /**
     * Control characters escaped, so the text cannot end a line or forge
     * another one; backslashes stay, so text escaped once is not escaped again.
     */
    public static String withoutControls(String text) {
        return escape(text, Integer.MAX_VALUE, false);
    }

    /** As {@link #withoutControls(String)}, cut to about {@code max} characters: a long text is not copied whole. */
    public static String withoutControls(String text, int max) {
        return escape(text, max, false);
    }

    private static String escape(String text, int max) {
        return escape(text, max, true);
    }

    private static String escape(String text, int max, boolean backslashes) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), max) + 16);
        int i = 0;
        while (i < text.length() && out.length() < max) {
            int c = text.codePointAt(i);
            if (c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0) {
                out.append(String.format("\\x%02x", c));
            } else if (c == '\\' && backslashes) {
                out.append("\\\\");
            } else {
                out.appendCodePoint(c);
            }
            i += Character.charCount(c);
        }
        return i < text.length() ? out + "..." : out.toString();
    }
}
