package dev.weft.chan;

/**
 * Go's {@code v, ok := <-c}: {@code ok} is true when {@code value} was sent, false when the
 * channel is closed and drained (then {@code value} is null, Go's zero value).
 */
public record RecvResult<T>(T value, boolean ok) {
    private static final RecvResult<?> CLOSED = new RecvResult<>(null, false);

    @SuppressWarnings("unchecked")
    static <T> RecvResult<T> closed() {
        return (RecvResult<T>) CLOSED;
    }
}
