package io.keyway.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Files the jar ships (the console, the OpenAPI document and its UI), read whole. */
final class ClasspathResources {
    private ClasspathResources() {
    }

    /** The bytes of {@code path}; a missing file is a broken build, said with {@code missing}. */
    static byte[] bytes(String path, String missing) {
        try (InputStream in = ClasspathResources.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(missing);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
