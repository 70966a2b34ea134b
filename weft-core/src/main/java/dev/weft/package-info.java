/**
 * weft's public API: {@link dev.weft.Weft} (a runtime and its builder), {@link dev.weft.Go}
 * (static calls for the running goroutine) and {@link dev.weft.Goroutine} (a handle).
 *
 * <p>A goroutine is a JDK 25 virtual thread whose scheduler is weft's G-M-P scheduler, so every
 * Java library behaves inside it as in any virtual thread. The JVM needs
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED}.
 */
package dev.weft;
