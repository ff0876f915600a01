package io.keyway.persistence;

import java.util.concurrent.ThreadFactory;

/** Background threads of the persistence adapter: named (they show in thread dumps and profiles), never keeping the JVM up. */
final class DaemonThreads {
    private DaemonThreads() {
    }

    static ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
