package io.causalkv.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, polling; never a fixed sleep standing in for a condition. */
public final class Await {

    private static final long POLL_MILLIS = 25;

    private Await() {
    }

    /** Polls until {@code condition} holds; fails with {@code description} at the deadline. */
    public static Duration until(Duration deadline, String description, BooleanSupplier condition) {
        long start = System.nanoTime();
        long end = start + deadline.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return Duration.ofNanos(System.nanoTime() - start);
                }
            } catch (RuntimeException e) {
                // not yet: a node may be starting or stopping
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + deadline + ": " + description);
            }
            pause(POLL_MILLIS);
        }
    }

    /** Polls until {@code supplier} gives a value {@code accept} accepts, and returns it. */
    public static <T> T value(Duration deadline, String description, Supplier<T> supplier, java.util.function.Predicate<T> accept) {
        Object[] last = new Object[1];
        until(deadline, description + " (last: " + last[0] + ")", () -> {
            T value = supplier.get();
            last[0] = value;
            return accept.test(value);
        });
        @SuppressWarnings("unchecked")
        T value = (T) last[0];
        return value;
    }

    /** What is left of {@code bound} counted from {@code sinceNanos} ({@link System#nanoTime()}); at least 1 ns. */
    public static Duration remaining(Duration bound, long sinceNanos) {
        return Duration.ofNanos(Math.max(1, bound.toNanos() - (System.nanoTime() - sinceNanos)));
    }

    /** Lets time pass for a timing requirement that is itself a duration ("still missing after 1 s"). */
    public static void elapse(Duration duration) {
        pause(duration.toMillis());
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
