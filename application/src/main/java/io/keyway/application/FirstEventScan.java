package io.keyway.application;

import java.nio.charset.StandardCharsets;

/**
 * The text of an event stream read so far, and what its first event with data says: {@link FirstEvent}'s reading,
 * apart from its replaying. Events end at an empty line; comments and events without data do not count.
 */
final class FirstEventScan {
    /** A JSON object whose first member is {@code error}: OpenAI's and OpenRouter's error in a stream. */
    private static final java.util.regex.Pattern ERROR_OBJECT = java.util.regex.Pattern.compile("\\{\\s*\"error\"\\s*:");
    /** Looked at no further than this: a stream whose first event is longer has begun. */
    static final int MAX_LOOK = 64 * 1024;

    private final StringBuilder looked = new StringBuilder();

    /** What the events read so far say, or null when no event with data has ended yet. */
    FirstEvent.Kind look(byte[] item) {
        looked.append(new String(item, StandardCharsets.UTF_8));
        int start = 0;
        while (true) {
            int end = endOfEvent(looked, start);
            if (end < 0) {
                break;
            }
            FirstEvent.Kind kind = kindOf(looked, start, end);
            if (kind != null) {
                return kind;
            }
            start = end;
        }
        looked.delete(0, start);
        return looked.length() > MAX_LOOK ? FirstEvent.Kind.BEGAN : null;
    }

    /** The index just past the blank line that ends the event starting at {@code from}, or -1. */
    private static int endOfEvent(CharSequence text, int from) {
        for (int i = from; i < text.length() - 1; i++) {
            char c = text.charAt(i);
            if (c == '\n' && text.charAt(i + 1) == '\n') {
                return i + 2;
            }
            if (c == '\r' && i + 3 < text.length() && text.charAt(i + 1) == '\n' && text.charAt(i + 2) == '\r' && text.charAt(i + 3) == '\n') {
                return i + 4;
            }
        }
        return -1;
    }

    /** The kind of the event between {@code start} and {@code end}, line by line, with no regular expression. */
    private static FirstEvent.Kind kindOf(CharSequence text, int start, int end) {
        boolean errorEvent = false;
        boolean data = false;
        int firstData = -1;
        int line = start;
        while (line < end) {
            int next = line;
            while (next < end && text.charAt(next) != '\n') {
                next++;
            }
            int lineEnd = next > line && text.charAt(next - 1) == '\r' ? next - 1 : next;
            if (startsWith(text, line, lineEnd, "event:")) {
                errorEvent = text.subSequence(line + 6, lineEnd).toString().strip().equals("error");
            } else if (startsWith(text, line, lineEnd, "data:")) {
                if (!data) {
                    firstData = line + 5;
                }
                data = true;
            }
            line = next + 1;
        }
        if (!data) {
            return errorEvent ? FirstEvent.Kind.ERROR_EVENT : null;
        }
        if (errorEvent) {
            return FirstEvent.Kind.ERROR_EVENT;
        }
        int at = firstData;
        while (at < end && (text.charAt(at) == ' ' || text.charAt(at) == '\t')) {
            at++;
        }
        return ERROR_OBJECT.matcher(text.subSequence(at, Math.min(end, at + 64))).lookingAt() ? FirstEvent.Kind.ERROR_EVENT : FirstEvent.Kind.BEGAN;
    }

    private static boolean startsWith(CharSequence text, int from, int to, String prefix) {
        if (to - from < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (text.charAt(from + i) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
