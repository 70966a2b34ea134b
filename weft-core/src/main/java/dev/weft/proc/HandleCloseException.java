package dev.weft.proc;

/** A resource's {@code close()} threw a checked exception when its handle was closed; the cause is that exception. */
public final class HandleCloseException extends RuntimeException {
    public HandleCloseException(long handle, Throwable cause) {
        super("closing handle " + handle + " failed: " + cause, cause);
    }
}
