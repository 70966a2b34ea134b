package dev.weft.sync;

/** Something that can be locked and unlocked, Go's {@code sync.Locker}; what a {@link Cond} uses. */
public interface Locker {
    void lock();

    void unlock();
}
