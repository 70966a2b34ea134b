package dev.weft.internal.util;

import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The null checks of weft's two {@code ExecutorService}s ({@code rt.executor()} and
 * {@code ThreadPool}). {@code AbstractExecutorService} and the {@code ExecutorCompletionService}
 * behind its {@code invokeAny} throw a {@code NullPointerException} with no message for a null
 * task or collection; weft's executors check first, with messages that name the operation and
 * what was null, the same in both executors.
 */
public final class TaskChecks {
    private TaskChecks() {}

    /** {@code task}, or a NullPointerException naming the operation ({@code submit}, {@code invokeAll}). */
    public static <T> T task(T task, String operation) {
        return Objects.requireNonNull(task, () -> "weft: " + operation + " of a null task");
    }

    /** {@code tasks}, or a NullPointerException naming the operation ({@code invokeAll}, {@code invokeAny}). */
    public static <C extends Collection<?>> C collection(C tasks, String operation) {
        return Objects.requireNonNull(tasks, () -> "weft: " + operation + " of a null collection");
    }

    /** {@code unit}, or a NullPointerException naming the operation ({@code awaitTermination}...). */
    public static TimeUnit unit(TimeUnit unit, String operation) {
        return Objects.requireNonNull(unit, () -> "weft: " + operation + " with a null time unit");
    }

    /** {@code tasks} for {@code invokeAny}, once neither it nor any of its elements is null. */
    public static <C extends Collection<?>> C invokeAnyTasks(C tasks) {
        collection(tasks, "invokeAny");
        for (Object t : tasks) {
            Objects.requireNonNull(t, "weft: invokeAny of a null task");
        }
        return tasks;
    }
}
